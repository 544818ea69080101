import { render, screen, within } from '@testing-library/react';
import App from './App';

describe('App', () => {
  beforeEach(() => {
    localStorage.clear();
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Nestor', baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
  });

  it('asks an anonymous visitor to sign in as a guest', async () => {
    render(App.createRoot());

    expect(await screen.findByText('Sign in to Nestor')).toBeInTheDocument();
    expect(screen.getByText('Guest')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /enter/i })).toBeEnabled();
  });

  it('shows the catalog, the templates and the settings once signed in', async () => {
    // No backend runs in unit tests, so the guest provider cannot reach
    // /api/auth/guest; the legacy frontend-only guest identity signs in instead
    // (the real sign-in is covered by the browser check against `npm start`).
    localStorage.setItem('@backstage/core:SignInPage:provider', 'guest');
    localStorage.setItem('enableLegacyGuestToken', 'true');

    render(App.createRoot());

    const sidebar = await screen.findByRole(
      'navigation',
      {},
      { timeout: 10000 },
    );
    const hrefs = within(sidebar)
      .getAllByRole('link')
      .map(link => link.getAttribute('href'));
    expect(hrefs).toEqual(
      expect.arrayContaining(['/catalog', '/create', '/settings']),
    );
    expect(hrefs.indexOf('/catalog')).toBeLessThan(hrefs.indexOf('/create'));
    expect(screen.queryByText('Sign in to Nestor')).not.toBeInTheDocument();
  });
});

import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  NavContentBlueprint,
  NavContentNavItem,
} from '@backstage/plugin-app-react';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import MenuIcon from '@material-ui/icons/Menu';

function NavItem(item: NavContentNavItem) {
  return (
    <SidebarItem icon={() => item.icon} to={item.href} text={item.title} />
  );
}

/**
 * The sidebar: catalog and templates first, then Nestor's pages (they appear
 * under `rest` once `@nestor/plugin-nestor` is installed), settings last.
 */
export const navModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    NavContentBlueprint.make({
      params: {
        component: ({ navItems }) => {
          const nav = navItems.withComponent(NavItem);
          const settings = nav.take('page:user-settings');
          return (
            <Sidebar>
              <SidebarGroup label="Menu" icon={<MenuIcon />}>
                {nav.take('page:catalog')}
                {nav.take('page:scaffolder')}
                <SidebarDivider />
                <SidebarScrollWrapper>
                  {nav.rest({ sortBy: 'title' })}
                </SidebarScrollWrapper>
              </SidebarGroup>
              <SidebarSpace />
              <SidebarDivider />
              <SidebarGroup
                label="Settings"
                icon={<UserSettingsSignInAvatar />}
                to="/settings"
              >
                {settings}
              </SidebarGroup>
            </Sidebar>
          );
        },
      },
    }),
  ],
});

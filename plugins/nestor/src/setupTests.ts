import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI shares two cores between Jest workers: give findBy*/waitFor five
// seconds instead of one before a slow render counts as a failure.
configure({ asyncUtilTimeout: 5000 });

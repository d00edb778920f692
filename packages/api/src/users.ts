export { SEEDED_USERS } from '@safecity/core';

/** Face of core/outcomes/: the closed list of invocation outcomes and the one table that maps them. */
export { BAD_GATEWAY, BAD_REQUEST, type ErrorAnswer, errorBody, errorBodyOf, NOT_FOUND, NOT_IMPLEMENTED, type Outcome, OUTCOMES, rowOfStatus, statusesOf, UPGRADE_REQUIRED } from './outcomes';

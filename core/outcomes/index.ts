// Face of core/outcomes/: the closed list of invocation outcomes and the one table that maps them.
export * from './outcomes';

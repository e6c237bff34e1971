/** Face of executor/: the contract every executor implements (types, and the list of outcome kinds). */
export * from './contract';

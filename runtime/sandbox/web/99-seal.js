// Last web file: removes the shared internals object so tenant code cannot reach it.
// Every file that needs internals captured them when it ran, before this one.
(function () {
  'use strict';
  delete globalThis.__isolaWebInternals;
})();

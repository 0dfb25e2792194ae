'use strict';
// bottender's `dev` command would open a public tunnel; FirstReply does not use it.
function unavailable() {
  throw new Error('ngrok is not installed in FirstReply (no tunnels); expose the server yourself');
}
module.exports = { connect: unavailable, disconnect: async () => {}, kill: async () => {} };

// Preloaded into Portkey's gateway (node --import): its start script listens on every interface and has
// no host option, and every server in this project binds 127.0.0.1. A listen() given a port and no host
// gets the loopback address instead; nothing else about the gateway changes.
import net from 'node:net'

const listen = net.Server.prototype.listen
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {
    if (args[1] === undefined) args[1] = '127.0.0.1'
    else args.splice(1, 0, '127.0.0.1')
  }
  return listen.apply(this, args)
}

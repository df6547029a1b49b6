// zeromq-rs: the async iterator object that sockets and observers both hand to `for await`.
"use strict"

/** The finished result every iterator gives once its source has closed. */
const DONE = Object.freeze({ value: undefined, done: true })

/**
 * An async iterator over `next`, which must settle with `{ value, done }`. `return()` does not
 * close the source: breaking out of a `for await` leaves the socket or observer open, as in
 * zeromq.js.
 */
function iteratorOf(next) {
  return {
    next,
    return: () => Promise.resolve(DONE),
    [Symbol.asyncIterator]() {
      return this
    },
  }
}

module.exports = { DONE, iteratorOf }

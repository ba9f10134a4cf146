/* Continuity Handbook: a Web Worker stand-in for pages opened from disk (file://).

   Browsers refuse `new Worker(url)` on file:// pages, and Material for MkDocs runs its search in a
   worker. This script, listed in `extra.polyfills` of mkdocs.yml (Material's offline plugin then
   adds nothing from the network), replaces `Worker` on file:// pages with IFrameWorker: the
   worker's script runs in a hidden same-origin iframe, so it has a global scope of its own, and
   messages travel both ways as in a real worker:

   - page -> worker: `worker.postMessage(data)` fires a "message" event in the iframe, where the
     script listens with `addEventListener("message", ...)`, `onmessage` or `self.onmessage`;
   - worker -> page: the script's global `postMessage(data)` fires a "message" event on the worker
     object (`worker.onmessage`, `worker.addEventListener("message", ...)`);
   - data is copied with the structured clone algorithm into the receiving side's realm, as
     between a page and a worker;
   - `importScripts(...urls)` loads the scripts in order, relative to the worker's URL (a <base>
     in the iframe); it cannot block like the real one, so it returns a Promise to await;
   - a script that fails to load fires "error" on the worker object; `terminate()` removes the
     iframe.

   Material's search worker checks `"IFrameWorker" in parent` to find its own URL. Served over
   http(s) the browser's own Worker is left alone. */
(function () {
  "use strict";

  function copyInto(realm, data) {
    // Structured clone made by the receiving window, so arrays and objects belong to its realm.
    return typeof realm.structuredClone === "function" ? realm.structuredClone(data) : data;
  }

  function loadScript(doc, src) {
    return new Promise(function (resolve, reject) {
      var script = doc.createElement("script");
      script.src = src;
      script.async = false;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("cannot load " + src)); };
      (doc.head || doc.documentElement).appendChild(script);
    });
  }

  function IFrameWorker(url) {
    var worker = new EventTarget();
    var scriptUrl = new URL(String(url), document.baseURI).href;
    var frame = document.createElement("iframe");
    var queue = [];
    var ready = false;
    var closed = false;

    frame.hidden = true;
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    (document.body || document.documentElement).appendChild(frame);
    var scope = frame.contentWindow;
    var doc = frame.contentDocument;

    var base = doc.createElement("base");
    base.href = scriptUrl;
    (doc.head || doc.documentElement).appendChild(base);

    function deliver(data) {
      scope.dispatchEvent(new scope.MessageEvent("message", { data: copyInto(scope, data) }));
    }

    // The worker's global scope: what a worker script expects besides `self` (the iframe window).
    scope.postMessage = function (data) {
      var copy = copyInto(window, data);
      setTimeout(function () {
        if (!closed) worker.dispatchEvent(new MessageEvent("message", { data: copy }));
      }, 0);
    };
    scope.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments);
      return urls.reduce(function (done, src) {
        return done.then(function () { return loadScript(doc, new URL(src, scriptUrl).href); });
      }, Promise.resolve());
    };
    scope.close = function () { worker.terminate(); };

    worker.postMessage = function (data) {
      if (closed) return;
      if (ready) deliver(data);
      else queue.push(data);
    };
    worker.terminate = function () {
      closed = true;
      queue = [];
      if (frame.parentNode) frame.parentNode.removeChild(frame);
    };
    ["message", "error"].forEach(function (type) {
      var handler = null;
      Object.defineProperty(worker, "on" + type, {
        get: function () { return handler; },
        set: function (value) {
          if (handler) worker.removeEventListener(type, handler);
          handler = typeof value === "function" ? value : null;
          if (handler) worker.addEventListener(type, handler);
        }
      });
    });

    loadScript(doc, scriptUrl).then(
      function () {
        ready = true;
        var waiting = queue;
        queue = [];
        waiting.forEach(function (data) { if (!closed) deliver(data); });
      },
      function (error) {
        if (!closed) worker.dispatchEvent(new ErrorEvent("error", { message: error.message }));
      }
    );
    return worker;
  }

  window.IFrameWorker = IFrameWorker;
  if (location.protocol === "file:") window.Worker = IFrameWorker;
})();

/**
 * The /docs page: a static shell around @scalar/api-reference's browser bundle, served by the gateway
 * itself (no CDN; fonts and the AI agent off, so nothing is fetched from elsewhere). The page holds no
 * deployment data; the document comes from /openapi.json, which needs a key. The page first tries
 * without one (a proxy or a browser extension may add the header), then asks for a key, keeps it in
 * this tab's sessionStorage (never in the URL) and sends it as `Authorization: Bearer …`.
 */

export const API_REFERENCE_SCRIPT_PATH = '/docs/api-reference.js'

/**
 * The reference's browser bundle (about 3 MB), opened anew for each request that asks for it and streamed
 * (from disk on Node, from the assets binding on Workers), so no copy of it stays in memory. A string is for tests.
 */
export type ApiReferenceScript = ReadableStream<Uint8Array> | string

export const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Manifold API reference</title>
  <style>
    body { margin: 0; font-family: system-ui, sans-serif; }
    #key-form { max-width: 28rem; margin: 4rem auto; display: flex; flex-direction: column; gap: .75rem; }
    #key-form[hidden] { display: none; }
    #key-form input { padding: .5rem; font: inherit; }
    #key-error { color: #b00020; min-height: 1.2em; }
  </style>
</head>
<body>
  <form id="key-form" hidden>
    <h1>Manifold API reference</h1>
    <label for="key">The reference lists this gateway's prompt APIs; enter an API key to read it.</label>
    <input id="key" name="key" type="password" autocomplete="off" placeholder="mk-…" required>
    <button type="submit">Open the reference</button>
    <p id="key-error" role="alert"></p>
  </form>
  <div id="app"></div>
  <script src="${API_REFERENCE_SCRIPT_PATH}"></script>
  <script>
    (function () {
      var STORE = 'manifold.docs.key'
      var form = document.getElementById('key-form')
      var input = document.getElementById('key')
      var problem = document.getElementById('key-error')

      function load(key) {
        var headers = key ? { Authorization: 'Bearer ' + key } : {}
        return fetch('/openapi.json', { headers: headers }).then(function (res) {
          if (!res.ok) throw new Error(res.status === 401 ? 'That key was not accepted.' : 'The gateway answered ' + res.status + '.')
          return res.json()
        })
      }

      function show(doc, key) {
        form.hidden = true
        // Nothing leaves the gateway: no web fonts, no AI agent (it calls scalar.com), no developer toolbar.
        var config = { content: doc, withDefaultFonts: false, telemetry: false, agent: { disabled: true }, showDeveloperTools: 'never' }
        if (key) config.authentication = { preferredSecurityScheme: 'bearerAuth', securitySchemes: { bearerAuth: { token: key } } }
        Scalar.createApiReference('#app', config)
      }

      function ask(message) {
        problem.textContent = message || ''
        form.hidden = false
        input.focus()
      }

      form.addEventListener('submit', function (event) {
        event.preventDefault()
        var key = input.value.trim()
        load(key).then(function (doc) {
          sessionStorage.setItem(STORE, key)
          show(doc, key)
        }, function (err) { ask(err.message) })
      })

      var saved = sessionStorage.getItem(STORE)
      load(saved).then(function (doc) { show(doc, saved) }, function () {
        sessionStorage.removeItem(STORE)
        ask('')
      })
    })()
  </script>
</body>
</html>
`

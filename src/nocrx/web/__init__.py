"""The web page for billers: static/index.html, app.js and style.css, served at / by nocrx.api.

No build step and no template engine: plain HTML, vanilla JavaScript and CSS, loaded under a
strict Content-Security-Policy (no inline script or style, no third parties). The page posts
the form to /v1/check and shows the code, units, modifiers, narrative, 837P and CMS-1500
snippets (with copy buttons) and each finding with its fix; every answer is written with
textContent, never innerHTML. The result region is aria-live; every control has a label.

How the page authenticates: it asks GET /healthz whether API keys are required. When the
server runs without keys (the default, and allowed only on a loopback address), the page
needs none. When keys are configured, the page shows an "API key" field; the key is kept in
the page's memory only (no cookie, no storage), sent as X-API-Key with each request, and
forgotten when the tab closes. A 401 reveals the field.
"""

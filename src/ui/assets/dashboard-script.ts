/**
 * The dashboard's only script of its own (served at /ui/assets/dashboard.js; pages carry no inline code):
 * copy buttons, confirmations before destructive posts, and the overview's charts drawn with uPlot from the
 * JSON the page embeds.
 */
export const dashboardScript = `
(function () {
  'use strict'

  function onCopy(button) {
    var target = document.getElementById(button.getAttribute('data-copy'))
    if (!target) return
    var text = target.value !== undefined && target.tagName !== 'OUTPUT' ? target.value : target.textContent
    var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy' }, 2000) }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () { selectText(target) })
    else { selectText(target); try { document.execCommand('copy'); done() } catch (e) { /* the text stays selected for the user */ } }
  }

  function selectText(node) {
    var range = document.createRange()
    range.selectNodeContents(node)
    var selection = window.getSelection()
    selection.removeAllRanges()
    selection.addRange(range)
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-copy]')
    if (button) { event.preventDefault(); onCopy(button) }
  })

  document.addEventListener('submit', function (event) {
    var message = event.target.getAttribute && event.target.getAttribute('data-confirm')
    if (message && !window.confirm(message)) event.preventDefault()
  })

  document.addEventListener('change', function (event) {
    var select = event.target
    if (select.matches && select.matches('select[data-autosubmit]')) select.form.requestSubmit()
  })

  window.addEventListener('DOMContentLoaded', function () {
    if (window.ManifoldCharts) window.ManifoldCharts.drawAll()
  })
})()
`

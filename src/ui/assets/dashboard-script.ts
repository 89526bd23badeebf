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

  var PALETTE = ['#2f5bd3', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a', '#0b7285', '#5c940d', '#868e96']

  function formatterFor(metric) {
    if (metric === 'cost_usd') return function (v) { return v == null ? '' : '$' + (v < 0.01 && v !== 0 ? v.toFixed(6) : v.toFixed(4)) }
    return function (v) { return v == null ? '' : Math.round(v).toLocaleString('en-US') }
  }

  // The overview's charts: one uPlot per figure, from the data the server put on #overview-charts (the API's numbers).
  function drawCharts() {
    var holder = document.getElementById('overview-charts')
    if (!holder || !window.uPlot) return
    var data = JSON.parse(holder.getAttribute('data-charts'))
    if (!data.series.length) return
    var charts = []
    holder.querySelectorAll('figure[data-chart]').forEach(function (figure) {
      var metric = figure.getAttribute('data-chart')
      var format = formatterFor(metric)
      var options = {
        width: Math.max(260, figure.clientWidth - 34),
        height: 220,
        tzDate: function (ts) { return window.uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') },
        scales: { x: { time: true } },
        axes: [{}, { values: function (u, ticks) { return ticks.map(format) }, size: metric === 'cost_usd' ? 96 : 70 }],
        series: [{ label: data.bucket === 'hour' ? 'Hour (UTC)' : 'Day (UTC)' }].concat(data.series.map(function (s, i) {
          return { label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: data.x.length <= 48 }, value: function (u, v) { return format(v) } }
        })),
      }
      var chart = new window.uPlot(options, [data.x].concat(data.series.map(function (s) { return s[metric] })), figure)
      // Kept on the element so that a test can read exactly what was drawn.
      figure.uplotChart = chart
      figure.setAttribute('data-drawn', 'true')
      charts.push({ chart: chart, figure: figure })
    })
    var pending = null
    window.addEventListener('resize', function () {
      clearTimeout(pending)
      pending = setTimeout(function () {
        charts.forEach(function (c) { c.chart.setSize({ width: Math.max(260, c.figure.clientWidth - 34), height: 220 }) })
      }, 100)
    })
  }

  window.addEventListener('DOMContentLoaded', drawCharts)
})()
`

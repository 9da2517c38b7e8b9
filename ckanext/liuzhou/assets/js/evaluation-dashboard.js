/* The dashboard (/evaluation/dashboard, templates/liuzhou/evaluation/dashboard.html): draws the
 * figures of evaluation_dashboard with Apache ECharts (assets/vendor/echarts, served by the
 * portal). The figures, their labels and the address of the list behind every bar, slice and
 * point come in a JSON block (evaluation/dashboard_page.py); a click opens that list.
 *
 * SVG renderer: sharp on a wall screen and on paper. Each chart's <svg> gets a viewBox, so the
 * print stylesheet can scale it to the A4 column without drawing it again. No animation: a
 * screen that refreshes, a screenshot and a printout show the final figures at once. */
this.ckan.module('liuzhou-dashboard', function ($) {
  'use strict';

  var PALETTE = ['#1f5fa8', '#e0762b', '#2e9e6a', '#c23b3b', '#7a5bb5', '#8c6d3f', '#3aa0b8', '#b5487a'];
  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif';

  function base(spec) {
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: FONT, fontSize: 14, color: '#222' },
      tooltip: { trigger: spec.kind === 'pie' ? 'item' : 'axis', confine: true,
                 textStyle: { fontSize: 14 } },
      legend: { top: 0, textStyle: { fontSize: 13 }, type: 'scroll' }
    };
  }

  function valueAxis(spec) {
    var axis = { type: 'value', minInterval: spec.unit === '%' ? 10 : 1,
                 axisLabel: { fontSize: 13 }, splitLine: { lineStyle: { color: '#e6e9ee' } } };
    if (spec.max) { axis.max = spec.max; axis.axisLabel.formatter = '{value}%'; }
    return axis;
  }

  function option(spec) {
    var o = base(spec);
    if (spec.kind === 'pie') {
      o.legend = { type: 'scroll', orient: 'vertical', right: 0, top: 'middle', textStyle: { fontSize: 13 } };
      o.series = [{ type: 'pie', name: spec.name, radius: ['35%', '68%'], center: ['38%', '52%'],
                    label: { formatter: '{b}\n{c}', fontSize: 13 },
                    data: spec.points.map(function (p) { return { name: p.name, value: p.value }; }) }];
      return o;
    }
    var horizontal = spec.kind === 'hbar';
    var categories = { type: 'category', data: spec.categories,
                       axisLabel: { fontSize: 13, interval: 0, hideOverlap: !horizontal,
                                    width: horizontal ? 150 : undefined, overflow: horizontal ? 'truncate' : undefined },
                       inverse: horizontal };
    o.grid = { left: horizontal ? 160 : 48, right: 24, top: 36, bottom: 28, containLabel: false };
    if (horizontal) {
      o.xAxis = valueAxis(spec);
      o.yAxis = categories;
    } else {
      o.xAxis = categories;
      o.yAxis = valueAxis(spec);
    }
    o.series = spec.series.map(function (s, i) {
      if (spec.kind === 'line') {
        return { type: 'line', name: s.name, data: s.data, connectNulls: false, symbolSize: 7,
                 lineStyle: { width: 3 } };
      }
      if (spec.kind === 'growth') {
        // new entries as bars, the catalog's size as a line on its own axis
        return i === 0 ? { type: 'bar', name: s.name, data: s.data, barMaxWidth: 28 }
                       : { type: 'line', name: s.name, data: s.data, yAxisIndex: 1, symbolSize: 6,
                           lineStyle: { width: 3 } };
      }
      return { type: 'bar', name: s.name, data: s.data, barMaxWidth: horizontal ? 18 : 32,
               label: { show: horizontal, position: 'right', fontSize: 13 } };
    });
    if (spec.kind === 'growth') {
      o.yAxis = [valueAxis(spec), valueAxis(spec)];
      o.yAxis[1].splitLine = { show: false };
      o.grid.right = 56;
    }
    if (spec.series.length < 2) { o.legend.show = false; o.grid.top = 16; }
    return o;
  }

  function target(spec, params) {
    if (spec.kind === 'pie') { return (spec.points[params.dataIndex] || {}).url; }
    return (spec.urls || [])[params.dataIndex];
  }

  function fitViewBox(chart) {
    var svg = chart.getDom().querySelector('svg');
    if (svg) {
      svg.setAttribute('viewBox', '0 0 ' + chart.getWidth() + ' ' + chart.getHeight());
      svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    }
  }

  return {
    options: { data: 'liuzhou-dashboard-data' },

    initialize: function () {
      var source = document.getElementById(this.options.data);
      if (!source || !window.echarts) { return; }
      var specs = JSON.parse(source.textContent);
      var charts = [];
      this.el.find('[data-chart]').each(function () {
        var spec = specs[this.getAttribute('data-chart')];
        var empty = !spec || (spec.kind === 'pie' ? !spec.points.length : !spec.categories.length);
        if (empty) { return; }
        var chart = window.echarts.init(this, null, { renderer: 'svg' });
        chart.setOption(option(spec));
        chart.on('click', function (params) {
          var url = target(spec, params);
          if (url) { window.location.href = url; }
        });
        chart.on('finished', function () { fitViewBox(chart); });
        fitViewBox(chart);
        this.setAttribute('data-drawn', 'true');
        charts.push(chart);
      });
      var resize = function () { charts.forEach(function (c) { c.resize(); fitViewBox(c); }); };
      window.addEventListener('resize', resize);
      this.el.attr('data-charts', charts.length);
    }
  };
});

/* The dashboard (/evaluation/dashboard, templates/liuzhou/evaluation/dashboard.html): draws the
 * figures of evaluation_dashboard with Apache ECharts (assets/vendor/echarts, served by the
 * portal). The figures, their labels and the address of the list behind every bar, slice and
 * point come in a JSON block (evaluation/dashboard_page.py); a click opens that list.
 *
 * SVG renderer: sharp on a wall screen and on paper. Each chart is drawn twice: for the screen,
 * at the size of its card, and for paper, at the size of its A4 column (the print stylesheet
 * shows that copy): a printout does not depend on the browser telling the page it prints.
 * No animation: a screen that refreshes, a screenshot and a printout show the final figures. */
this.ckan.module('liuzhou-dashboard', function ($) {
  'use strict';

  var PALETTE = ['#1f5fa8', '#e0762b', '#2e9e6a', '#c23b3b', '#7a5bb5', '#8c6d3f', '#3aa0b8', '#b5487a'];
  // CSS pixels of a chart on A4 portrait (190 mm of text width: two columns, or the full width)
  var PRINT = { half: 315, wide: 665, height: 235 };
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
      var counts = {};
      spec.points.forEach(function (p) { counts[p.name] = p.value; });
      // the names and counts in the legend under the ring; inside it only the larger slices' counts
      o.legend = { type: 'plain', bottom: 0, left: 'center', itemGap: 10, itemWidth: 16, textStyle: { fontSize: 13 },
                   formatter: function (name) { return name + ' ' + counts[name]; } };
      o.series = [{ type: 'pie', name: spec.name, radius: ['34%', '66%'], center: ['50%', '42%'],
                    minShowLabelAngle: 18, label: { position: 'inside', formatter: '{c}', fontSize: 14,
                                                    color: '#fff', fontWeight: 'bold' },
                    data: spec.points.map(function (p) { return { name: p.name, value: p.value }; }) }];
      return o;
    }
    var horizontal = spec.kind === 'hbar';
    var months = !horizontal;   // the vertical charts run over months: short labels ("3月"), YYYY-MM in the tooltip
    var categories = { type: 'category', data: spec.categories,
                       axisLabel: { fontSize: 13, interval: months ? 'auto' : 0, hideOverlap: months,
                                    formatter: months && spec.short ? function (v, i) { return spec.short[i]; } : null,
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

  return {
    options: { data: 'liuzhou-dashboard-data' },

    initialize: function () {
      var source = document.getElementById(this.options.data);
      if (!source || !window.echarts) { return; }
      var specs = JSON.parse(source.textContent);
      var charts = [];
      this.el.find('[data-chart]').each(function () {
        var key = this.getAttribute('data-chart');
        var spec = specs[key];
        var empty = !spec || (spec.kind === 'pie' ? !spec.points.length : !spec.categories.length);
        if (empty) { return; }
        var chart = window.echarts.init(this, null, { renderer: 'svg' });
        chart.setOption(option(spec));
        chart.on('click', function (params) {
          var url = target(spec, params);
          if (url) { window.location.href = url; }
        });
        this.setAttribute('data-drawn', 'true');
        charts.push(chart);
        // the copy for paper, drawn once at the size of its A4 column (hidden on screen)
        var paper = this.parentNode.querySelector('[data-print]');
        if (paper) {
          window.echarts.init(paper, null, { renderer: 'svg', width: PRINT[key === 'ontime' ? 'wide' : 'half'],
                                             height: PRINT.height }).setOption(option(spec));
        }
      });
      window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
      this.el.attr('data-charts', charts.length);
    }
  };
});

/* Suggestions while typing in the search boxes (the header's and the search page's): catalog
 * entries, departments and keywords from the search_suggest action, which returns only what
 * the signed-in user may see. Arrow keys move, Enter opens the chosen suggestion (or searches
 * when none is chosen), Escape closes.
 *
 * The module sits on a hidden element of base.html that carries the labels and URLs
 * (data-module-*), and attaches itself to every search box of the page.
 */
this.ckan.module('liuzhou-search-suggest', function ($) {
  'use strict';
  return {
    options: {
      api: '/api/action/search_suggest',
      searchUrl: '/catalog/',
      entryUrl: '/catalog/__NAME__',
      labelEntry: 'Entry',
      labelDepartment: 'Department',
      labelKeyword: 'Keyword',
      limit: 8,
      delay: 120
    },

    initialize: function () {
      var self = this;
      $('#field-sitewide-search, #field-giant-search, input[name="q"].search').each(function () {
        self.attach($(this));
      });
    },

    attach: function ($input) {
      var self = this, timer = null, seq = 0;
      var listId = 'liuzhou-suggest-' + Math.random().toString(36).slice(2, 8);
      var $list = $('<ul class="liuzhou-suggest list-unstyled" role="listbox" hidden></ul>').attr('id', listId);
      $input.attr({ autocomplete: 'off', 'aria-autocomplete': 'list', 'aria-controls': listId, 'aria-expanded': 'false' });
      $input.parent().css('position', 'relative').append($list);

      function close() { $list.attr('hidden', true).empty(); $input.attr('aria-expanded', 'false'); }
      function items() { return $list.children('li'); }
      function move(step) {
        var $items = items(); if (!$items.length) { return; }
        var i = $items.index($items.filter('.active'));
        i = (i + step + $items.length) % $items.length;
        $items.removeClass('active').attr('aria-selected', 'false');
        $items.eq(i).addClass('active').attr('aria-selected', 'true');
      }
      function render(suggestions) {
        $list.empty();
        if (!suggestions.length) { close(); return; }
        $.each(suggestions, function (_, s) {
          var label = { entry: self.options.labelEntry, department: self.options.labelDepartment, keyword: self.options.labelKeyword }[s.type] || '';
          $('<li role="option" aria-selected="false"></li>')
            .attr('data-type', s.type)
            .append($('<a></a>').attr('href', self.url(s)).text(s.label)
              .prepend($('<span class="liuzhou-suggest-type"></span>').text(label)))
            .appendTo($list);
        });
        $list.removeAttr('hidden'); $input.attr('aria-expanded', 'true');
      }
      function fetch() {
        var q = $.trim($input.val()), mine = ++seq;
        if (!q) { close(); return; }
        $.getJSON(self.options.api, { q: q, limit: self.options.limit }).done(function (data) {
          if (mine === seq && data && data.success) { render(data.result || []); }
        }).fail(close);
      }

      $input.on('input', function () { clearTimeout(timer); timer = setTimeout(fetch, self.options.delay); });
      $input.on('keydown', function (e) {
        if (e.key === 'ArrowDown') { e.preventDefault(); move(1); }
        else if (e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
        else if (e.key === 'Escape') { close(); }
        else if (e.key === 'Enter') {
          var $active = items().filter('.active');
          if ($active.length) { e.preventDefault(); window.location.href = $active.find('a').attr('href'); }
        }
      });
      $input.on('blur', function () { setTimeout(close, 200); });
    },

    url: function (s) {
      var o = this.options;
      if (s.type === 'entry') { return o.entryUrl.replace('__NAME__', encodeURIComponent(s.name)); }
      if (s.type === 'department') { return o.searchUrl + '?department=' + encodeURIComponent(s.name); }
      return o.searchUrl + '?tags=' + encodeURIComponent(s.name);
    }
  };
});

/* The progress of a long catalog import (transfer/views.py, import_read.html): asks
 * catalog_import_status every two seconds, moves the bar, and reloads the page for the report
 * once the import is done, failed or interrupted. */
this.ckan.module('liuzhou-import-progress', function ($) {
  'use strict';
  return {
    options: { id: '', total: 0, api: '/api/3/action/catalog_import_status', every: 2000 },

    initialize: function () {
      var self = this;
      this.$bar = this.el.find('progress');
      this.$done = this.el.find('.liuzhou-import-done');
      this.timer = window.setInterval(function () { self.poll(); }, this.options.every);
    },

    poll: function () {
      var self = this;
      $.getJSON(this.options.api, { id: this.options.id }).done(function (body) {
        var r = body && body.result;
        if (!r) { return; }
        self.$bar.attr({ max: r.total || 1, value: r.done });
        self.$done.text(r.done);
        if (r.state !== 'queued' && r.state !== 'running') {
          window.clearInterval(self.timer);
          window.location.reload();
        }
      });
    }
  };
});

/* The catalog entry form: fields shown only when relevant, sub-classes of the chosen
 * classification.
 *
 * The rules come from the page, not from this file:
 *   <div data-liuzhou-show-field="sharing_type" data-liuzhou-show-values="conditional not_shared">
 *     shows its field only while the select #field-sharing_type has one of those values;
 *     a hidden field's inputs are disabled so a stale value is not submitted.
 *   <div data-liuzhou-filter-field="classification" data-liuzhou-parents='{"population": "base"}'>
 *     keeps only the options of its select whose parent is the chosen classification.
 */
this.ckan.module('liuzhou-catalog-form', function ($) {
  return {
    initialize: function () {
      $.proxyAll(this, /_on/);
      this.form = this.el.closest('form');
      this.el.find('[data-liuzhou-show-field]').each(this._onSetupConditional);
      this.el.find('[data-liuzhou-filter-field]').each(this._onSetupFilter);
    },

    _control: function (name) {
      return this.form.find('#field-' + name);
    },

    _onSetupConditional: function (i, wrapper) {
      var $wrapper = $(wrapper);
      var values = String($wrapper.data('liuzhouShowValues') || '').split(/\s+/);
      var $control = this._control($wrapper.data('liuzhouShowField'));
      if (!$control.length) { return; }
      var apply = function () {
        var show = values.indexOf($control.val()) !== -1;
        $wrapper.toggleClass('liuzhou-hidden', !show).attr('aria-hidden', show ? null : 'true');
        $wrapper.find('input, select, textarea').prop('disabled', !show);
      };
      $control.on('change', apply);
      apply();
    },

    _onSetupFilter: function (i, wrapper) {
      var $wrapper = $(wrapper);
      var parents = $wrapper.data('liuzhouParents') || {};
      var $control = this._control($wrapper.data('liuzhouFilterField'));
      var $select = $wrapper.find('select').first();
      if (!$control.length || !$select.length) { return; }
      var $all = $select.find('option').clone();
      var apply = function () {
        var chosen = $control.val();
        var current = $select.val();
        $select.empty();
        $all.each(function () {
          var value = this.value;
          if (!value || !chosen || parents[value] === chosen) {
            $select.append($(this).clone());
          }
        });
        $select.val($select.find('option[value="' + current + '"]').length ? current : '');
      };
      $control.on('change', apply);
      apply();
    }
  };
});

/* CKAN 2.11's client asks for /api/i18n/zh_Hans-CN (it replaces only the first "-" of the
 * page's lang "zh-Hans-CN"), gets a 400, and then never initialises any JS module on a
 * Chinese page. Ask for the right locale: every "-" becomes "_". Loaded after base/main and
 * before the DOM is ready, when ckan.initialize() runs.
 */
(function (ckan, jQuery) {
  if (!ckan || !ckan.Client) { return; }
  ckan.Client.prototype.getLocaleData = function (locale, success, error) {
    var url = this.url('/api/i18n/' + String(locale || '').replace(/-/g, '_'));
    return jQuery.getJSON(url).then(success, error);
  };
})(this.ckan, this.jQuery);

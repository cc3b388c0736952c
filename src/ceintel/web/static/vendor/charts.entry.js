// ceintel's chart bundle: Vega, Vega-Lite and vega-embed with the expression
// interpreter, so charts render under a Content-Security-Policy without
// 'unsafe-eval'. Built with esbuild (see web/static/README.md).
import embed from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";

function renderAll(root) {
  (root || document).querySelectorAll("script[type='application/vnd.vegalite+json'][data-chart]").forEach((el) => {
    const target = document.getElementById(el.dataset.chart);
    if (!target || target.dataset.rendered) return;
    target.dataset.rendered = "1";
    const spec = JSON.parse(el.textContent);
    embed(target, spec, { ast: true, expr: expressionInterpreter, actions: false, renderer: "svg", defaultStyle: false, tooltip: { disableDefaultStyle: true } })
      .catch((err) => { target.textContent = "The chart could not be drawn; the table below has the same numbers."; console.error(err); });
  });
}
document.addEventListener("DOMContentLoaded", () => renderAll());
document.addEventListener("htmx:afterSwap", (e) => renderAll(e.target));
window.ceintelCharts = { renderAll };

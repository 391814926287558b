// The part of ECharts the dashboards draw with (onestop/core/static/onestop/dashboard.js):
// line, bar and pie charts on a grid, with legends and tooltips, drawn as SVG. Bundled by
// esbuild at `make setup` (package.json "build") into node_modules/.onestop-build/, and
// exposed as the global `echarts`; a chart type or component the dashboards start to use
// must be added here.
import { init, use } from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export { init };

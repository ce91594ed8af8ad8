package dev.walrus.bench.scale;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the scaling run as one PNG with XChart (the mechanism of the suite's main chart): six
 * panels for topics (creation rate, heap and direct memory per topic, reopen time, disk
 * allocated over payload, heap per idle tail) and three for namespaces (threads, direct
 * memory and descriptors per namespace), each with its target in the title and as a red line
 * where it is a figure; a size whose
 * probe failed has no bar and is labelled "failed". Log scales, so 0 (nothing held) and
 * negative growths are drawn as the axis floor.
 */
public final class ScaleChart {
  private static final int PANEL_WIDTH = 470;
  private static final int PANEL_HEIGHT = 330;
  private static final int COLUMNS = 3;
  private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e)};

  private ScaleChart() {}

  /** One bar series of a panel: its name and how to read it from a run. */
  private record Series(String name, ToDoubleFunction<ScaleRun> value) {}

  /**
   * @param r the scaling run
   * @param caption the machine and load, drawn above the panels
   * @param png where to write the chart
   * @throws IOException if it cannot be written
   */
  public static void write(ScaleSuite.Result r, String caption, Path png) throws IOException {
    List<CategoryChart> panels = new ArrayList<>();
    panels.add(
        panel(
            "topic creation, topics/s (target >= 50,000)",
            ScaleTargets.CREATE_RATE_BAR,
            r.topics(),
            new Series("create", t -> t.value("create.rate"))));
    panels.add(
        panel(
            "heap per idle topic, bytes (target <= 1 KiB)",
            ScaleTargets.TOPIC_HEAP_BAR,
            r.topics(),
            new Series("created", t -> t.each("topics.heap")),
            new Series("reopened", t -> t.each("reopened.heap"))));
    panels.add(
        panel(
            "direct per topic, bytes (target: none)",
            Double.NaN,
            r.topics(),
            new Series("created", t -> t.each("topics.direct")),
            new Series("reopened", t -> t.each("reopened.direct"))));
    panels.add(
        panel(
            "reopen, seconds (target at 100,000: <= 2)",
            ScaleTargets.REOPEN_BAR,
            r.topics(),
            new Series("reopen", t -> t.value("reopen.seconds"))));
    panels.add(
        panel(
            "disk allocated / payload (target <= 2)",
            ScaleTargets.DISK_BAR,
            r.topics(),
            new Series(
                "allocated / payload", t -> t.value("disk.allocated") / t.value("disk.payload"))));
    panels.add(
        panel(
            "heap per idle tail, bytes (target <= 2 KiB)",
            ScaleTargets.TAIL_HEAP_BAR,
            r.topics(),
            new Series("tail", t -> t.each("tails.heap"))));
    panels.add(
        panel(
            "threads added by M namespaces (target: bounded)",
            Double.NaN,
            r.namespaces(),
            new Series("open", m -> m.value("open.threads")),
            new Series("one topic each", m -> m.value("used.threads"))));
    panels.add(
        panel(
            "direct per namespace, bytes (target <= 64 KiB)",
            ScaleTargets.NAMESPACE_DIRECT_BAR,
            r.namespaces(),
            new Series("open", m -> m.each("open.direct")),
            new Series("one topic each", m -> m.each("used.direct"))));
    panels.add(
        panel(
            "descriptors per namespace (target <= 5)",
            ScaleTargets.NAMESPACE_DESCRIPTOR_BAR,
            r.namespaces(),
            new Series("open", m -> m.each("open.descriptors")),
            new Series("one topic each", m -> m.each("used.descriptors"))));

    int captionHeight = 40;
    int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
    BufferedImage all =
        new BufferedImage(
            PANEL_WIDTH * COLUMNS, captionHeight + PANEL_HEIGHT * rows, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, all.getWidth(), all.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(g.getFont().deriveFont(15f));
    g.drawString(caption, 12, 26);
    for (int i = 0; i < panels.size(); i++) {
      BufferedImage p = BitmapEncoder.getBufferedImage(panels.get(i));
      g.drawImage(
          p, (i % COLUMNS) * PANEL_WIDTH, captionHeight + (i / COLUMNS) * PANEL_HEIGHT, null);
    }
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(all, "png", png.toFile());
  }

  private static CategoryChart panel(
      String title, double target, List<ScaleRun> runs, Series... series) {
    CategoryChart c =
        new CategoryChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title).build();
    List<String> labels = new ArrayList<>();
    for (ScaleRun run : runs) {
      labels.add(String.format("%,d", run.count()) + (run.finished() ? "" : " (failed)"));
    }
    double min = Double.MAX_VALUE;
    double max = 0;
    List<List<Double>> values = new ArrayList<>();
    for (Series s : series) {
      List<Double> v = new ArrayList<>();
      for (ScaleRun run : runs) {
        double x = s.value().applyAsDouble(run);
        v.add(Double.isNaN(x) ? null : x);
        if (x > 0) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
      }
      values.add(v);
    }
    if (!Double.isNaN(target)) {
      min = Math.min(min, target);
      max = Math.max(max, target);
    }
    if (max == 0) { // nothing measured, or nothing held: an empty decade
      min = 10;
      max = 10;
    }
    double floor = Math.pow(10, Math.floor(Math.log10(min)) - 1); // short bars stay visible
    for (int i = 0; i < series.length; i++) {
      List<Double> v = values.get(i);
      v.replaceAll(x -> x == null ? null : Math.max(x, floor));
      c.addSeries(series[i].name(), labels, v).setFillColor(COLOURS[i % COLOURS.length]);
    }
    if (!Double.isNaN(target)) {
      List<Double> line = new ArrayList<>();
      labels.forEach(l -> line.add(target));
      CategorySeries t = c.addSeries("target", labels, line);
      t.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Line);
      t.setLineColor(Color.RED);
      t.setMarker(SeriesMarkers.NONE);
    }
    Styler s = c.getStyler();
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setYAxisMin(floor);
    c.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max * 1.0001))));
    c.getStyler().setYAxisDecimalPattern("#,##0.###");
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setLegendVisible(true);
    s.setChartBackgroundColor(Color.WHITE);
    s.setChartTitleFont(s.getChartTitleFont().deriveFont(13f));
    c.getStyler().setPlotGridVerticalLinesVisible(false);
    c.getStyler().setOverlapped(false);
    return c;
  }
}

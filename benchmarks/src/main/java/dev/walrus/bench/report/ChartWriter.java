package dev.walrus.bench.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the run as one PNG with XChart: on top, every throughput workload the peer also
 * has, ours beside Chronicle Queue's; below, Walrus's advantage per pair — ours ÷ peer for
 * rates, peer ÷ ours for latency, heap and disk, so above 1 always means Walrus is better
 * (both log scale); the machine in the title.
 */
public final class ChartWriter {
  private static final int WIDTH = 1400;
  private static final Color OURS = new Color(0x1f77b4);
  private static final Color PEER = new Color(0xff7f0e);

  private ChartWriter() {}

  /**
   * @param rows the comparison rows
   * @param machine the machine description
   * @param profile the profile's name
   * @param png where to write the chart
   * @throws IOException if it cannot be written
   */
  public static void write(
      List<ComparisonTable.Row> rows, Map<String, String> machine, String profile, Path png)
      throws IOException {
    Files.deleteIfExists(png); // never leave an earlier run's chart beside this run's table
    List<String> labels = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    List<Double> peer = new ArrayList<>();
    List<Double> ratio = new ArrayList<>();
    for (ComparisonTable.Row r : rows) {
      if (r.paired() && !Double.isNaN(r.ours()) && r.unit().equals("ops/s")) {
        labels.add(r.label());
        ours.add(r.ours() / 1e6);
        peer.add(r.peer() / 1e6);
      }
    }
    List<String> ratioLabels = new ArrayList<>();
    for (ComparisonTable.Row r : rows) {
      if (r.paired() && !Double.isNaN(r.ours())) {
        ratioLabels.add(r.label() + (r.lowerIsBetter() ? " (inverted)" : ""));
        ratio.add(r.lowerIsBetter() ? 1 / r.ratio() : r.ratio());
      }
    }
    String title =
        String.format(
            "Walrus vs Chronicle Queue, same run (%s profile): %s cores, %s," + " %s",
            profile, machine.get("cores"), machine.get("cpu"), machine.get("java"));
    if (labels.isEmpty() || ratioLabels.isEmpty()) {
      return; // nothing paired ran (a --include subset)
    }
    CategoryChart rates =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(620)
            .title(title)
            .xAxisTitle("")
            .yAxisTitle("million entries per second (log scale)")
            .build();
    style(rates);
    logScale(rates, ours, peer);
    rates.addSeries("Walrus", labels, ours).setFillColor(OURS);
    rates.addSeries("Chronicle Queue", labels, peer).setFillColor(PEER);

    CategoryChart ratios =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(600)
            .title(
                "Walrus advantage, pair by pair: ours / peer for rates, peer / ours where lower is "
                    + "better (above 1 = Walrus better)")
            .xAxisTitle("")
            .yAxisTitle("ratio (log scale)")
            .build();
    style(ratios);
    ratios.getStyler().setLegendVisible(false);
    logScale(ratios, ratio, List.of(1.0));
    ratios.addSeries("ours / peer", ratioLabels, ratio).setFillColor(OURS);

    BufferedImage top = BitmapEncoder.getBufferedImage(rates);
    BufferedImage bottom = BitmapEncoder.getBufferedImage(ratios);
    BufferedImage all =
        new BufferedImage(WIDTH, top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    g.drawImage(top, 0, 0, null);
    g.drawImage(bottom, 0, top.getHeight(), null);
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(all, "png", png.toFile());
  }

  /** Log Y axis bounded by whole decades around the data (XChart needs explicit bounds). */
  private static void logScale(CategoryChart c, List<Double> a, List<Double> b) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (List<Double> l : List.of(a, b)) {
      for (double v : l) {
        if (v > 0 && !Double.isNaN(v) && !Double.isInfinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    c.getStyler().setYAxisLogarithmic(true);
    c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
    c.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max))));
    c.getStyler().setYAxisDecimalPattern("#,##0.###");
  }

  private static void style(CategoryChart c) {
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    c.getStyler().setXAxisLabelRotation(35);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridVerticalLinesVisible(false);
    c.getStyler().setLabelsVisible(false);
    c.getStyler().setOverlapped(false);
  }
}

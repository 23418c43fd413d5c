package dev.lakepipe.quality;

import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page of quality reports: per run and target a table of the checks, and per anomaly check an
 * inline SVG chart of its metric's history, the bounds of this run and this run's point.
 */
public final class ReportPage {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 180;
  private static final int MARGIN = 30;

  private ReportPage() {}

  /** The page of {@code reports}, oldest first. */
  public static String render(String pipeline, List<RunReport> reports) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>lakepipe quality: ")
        .append(escape(pipeline)).append("</title><style>body{font-family:sans-serif;margin:2em}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}"
            + ".passed{color:#080}.failed{color:#c00}.skipped{color:#888}.fail{color:#c00}.warn{color:#b60}"
            + ".pass{color:#080}</style></head><body>")
        .append("<h1>Data quality of ").append(escape(pipeline)).append("</h1>");
    if (reports.isEmpty()) {
      html.append("<p>No quality report yet.</p>");
    }
    for (RunReport report : reports) {
      html.append("<h2>").append(escape(report.target())).append(" &middot; ").append(escape(report.logicalTime()))
          .append(" &middot; <span class=\"").append(report.outcome()).append("\">").append(report.outcome())
          .append("</span></h2><p>run ").append(escape(report.runId())).append(": ").append(report.rowsIn())
          .append(" rows audited, ").append(report.rowsWritten()).append(" written, ")
          .append(report.rowsQuarantined()).append(" quarantined</p>")
          .append("<table><tr><th>check</th><th>kind</th><th>level</th><th>scope</th><th>status</th><th>metric</th>"
              + "<th>value</th><th>bound</th><th>message</th></tr>");
      for (RunReport.Entry check : report.checks()) {
        html.append("<tr><td>").append(escape(check.name())).append("</td><td>").append(escape(check.kind()))
            .append("</td><td>").append(check.level()).append("</td><td>").append(check.scope())
            .append("</td><td class=\"").append(check.status()).append("\">").append(check.status())
            .append("</td><td>").append(escape(check.metric())).append("</td><td>")
            .append(check.value() == null ? "" : check.value()).append("</td><td>").append(escape(check.bound()))
            .append("</td><td>").append(escape(check.message())).append("</td></tr>");
      }
      html.append("</table>");
      for (RunReport.Entry check : report.checks()) {
        if (!check.history().isEmpty() || check.lower() != null || check.upper() != null) {
          html.append("<h3>").append(escape(check.name())).append(": ").append(escape(check.metric()))
              .append("</h3>").append(chart(check, report.logicalTime()));
        }
      }
    }
    return html.append("</body></html>").toString();
  }

  /** The metric's history as a line, the bounds as dashed lines, this run's point as a dot. */
  static String chart(RunReport.Entry check, String logicalTime) {
    List<RunReport.Point> points = new java.util.ArrayList<>(check.history());
    if (check.value() != null) {
      points.add(new RunReport.Point(logicalTime, check.value()));
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (RunReport.Point p : points) {
      min = Math.min(min, p.value());
      max = Math.max(max, p.value());
    }
    for (Double bound : new Double[] {check.lower(), check.upper()}) {
      if (bound != null) {
        min = Math.min(min, bound);
        max = Math.max(max, bound);
      }
    }
    if (points.isEmpty()) {
      return "";
    }
    double span = max > min ? max - min : 1;
    double low = min;
    int n = Math.max(points.size() - 1, 1);
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">", WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"12\" font-size=\"10\">%s</text>"
        + "<text x=\"2\" y=\"%d\" font-size=\"10\">%s</text>", number(max), HEIGHT - 2, number(min)));
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < points.size() - (check.value() == null ? 0 : 1); i++) {
      line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i, n), y(points.get(i).value(), low, span)));
    }
    svg.append("<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"1.5\" points=\"").append(line.toString().strip())
        .append("\"/>");
    for (Double bound : new Double[] {check.lower(), check.upper()}) {
      if (bound != null) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c60\""
            + " stroke-dasharray=\"4 3\"><title>bound %s</title></line>", MARGIN, WIDTH - MARGIN,
            y(bound, low, span), y(bound, low, span), number(bound)));
      }
    }
    if (check.value() != null) {
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>this run:"
          + " %s</title></circle>", x(points.size() - 1, n), y(check.value(), low, span),
          check.status().equals("failed") ? "#c00" : "#080", number(check.value())));
    }
    return svg.append("</svg>").toString();
  }

  private static double x(int i, int n) {
    return MARGIN + (WIDTH - 2.0 * MARGIN) * i / n;
  }

  private static double y(double value, double low, double span) {
    return HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * (value - low) / span;
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.4g", value);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

package dev.lakepipe.pipelines;

import dev.lakepipe.cli.Runs;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.plan.RunRefusals;
import dev.lakepipe.run.RunMode;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of the reference warehouse ({@code conf/jobs/reference}: ODS, DWD, DWS, ADS), run in order in this
 * JVM's Spark session: a daily full build, or an hourly increment in which each layer reads the changes the layer
 * below just committed.
 */
public final class WarehouseBuild {
  /** The layers' specs, in run order, by file name without {@code .conf}. */
  public static final List<String> LAYERS = List.of("ods", "dwd", "dws", "ads");

  private final List<JobSpec> layers;

  private WarehouseBuild(List<JobSpec> layers) {
    this.layers = List.copyOf(layers);
  }

  /**
   * Loads the layers' specs from {@code folder}.
   *
   * @throws InvalidSpecException when a spec is invalid
   */
  public static WarehouseBuild load(Path folder, SpecLoader.Options options) throws InvalidSpecException {
    List<JobSpec> layers = new ArrayList<>();
    for (String layer : LAYERS) {
      layers.add(loadLayer(folder, layer, options));
    }
    return new WarehouseBuild(layers);
  }

  /**
   * Loads one layer's spec, {@code <folder>/<layer>.conf}.
   *
   * @throws InvalidSpecException when the spec is invalid
   */
  public static JobSpec loadLayer(Path folder, String layer, SpecLoader.Options options) throws InvalidSpecException {
    return new SpecLoader(TableFormats.all(), System::getenv, RunRefusals::ofSpecMode)
        .load(folder.resolve(layer + ".conf"), options);
  }

  /** The layers' specs, in run order. */
  public List<JobSpec> layers() {
    return layers;
  }

  /** The engine settings of the first layer (warehouse, catalog, Spark), which the others share. */
  public EngineSettings settings() {
    return layers.get(0).settings();
  }

  /**
   * Runs every layer in order, printing each run's progress.
   *
   * @throws dev.lakepipe.run.RunFailedException naming the pipeline node that failed; the layers above it do not run
   */
  public void run(RunMode mode, Instant logicalTime, PrintWriter out) {
    for (JobSpec layer : layers) {
      Runs.run(layer, logicalTime, mode, out);
    }
  }
}

import ArgumentParser
import LoopTopEngine
import LoopTopMetrics

/// `--metrics HOST:PORT`, shared by every command that can export (run,
/// attach): parsed in `validate`, listening in `start()` before the screen
/// changes, so an address in use is one line on the terminal as it was.
struct MetricsOption: ParsableArguments {
    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 127.0.0.1:9464), listening on exactly that address.", valueName: "host:port"))
    var metrics: String?

    func validate() throws {
        if let metrics {
            do { _ = try MetricsAddress(parsing: metrics) } catch { throw ValidationError(error.description) }
        }
    }

    /// The server, listening, and the box to publish snapshots into; nil
    /// without the option. An address it cannot bind is one line and exit 2.
    func start() throws -> (server: MetricsServer, box: SnapshotBox)? {
        guard let metrics else { return nil }
        let box = SnapshotBox()
        do {
            let address = try MetricsAddress(parsing: metrics)
            return (try MetricsServer.start(at: address, box: box), box)
        } catch let error as MetricsServerError {
            throw FileError(message: error.description)
        } catch {
            throw FileError(message: "\(error)")
        }
    }
}

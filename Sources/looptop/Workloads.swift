import ArgumentParser
import LoopTopEngine

struct Workloads: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the workloads with their parameters and measured cost on this machine.",
        discussion: """
            Each workload's cost per unit is measured at start-up; a job "of 20 ms" gets the
            units that take about 20 ms here. --check runs jobs of 5, 20 and 100 ms of each
            workload on this thread and shows how close each came to the size asked for.
            """)

    @Option(help: ArgumentHelp("Also list the kernel workloads of this spec file.", valueName: "file"))
    var spec: String?

    @Flag(help: "Run jobs of 5, 20 and 100 ms of each workload and report the measured durations (target: within ±25 %).")
    var check = false

    func run() throws {
        var catalog = WorkloadCatalog.calibrated()
        if let spec {
            do {
                for workload in try WorkloadSpec.load(path: spec).workloads where !(workload is CommandWorkload) {
                    catalog.register(workload)
                }
            } catch let error as ConfigError {
                throw FileError(message: error.description)
            }
        }
        print("NAME          COST/UNIT  UNITS/20ms  WHAT")
        for entry in catalog.entries {
            let name = entry.workload.name.padding(toLength: 12, withPad: " ", startingAt: 0)
            let cost = (String(format1: entry.nanosPerUnit / 1000, digits: 1) + " µs").leftPad(10)
            let units = String(catalog.units(for: entry.workload.name, ms: 20)).leftPad(10)
            print("\(name) \(cost)  \(units)  \(entry.workload.summary)")
            if !entry.workload.parameters.isEmpty {
                print(String(repeating: " ", count: 37) + entry.workload.parameters)
            }
        }
        guard check else { return }
        print("")
        print("NAME          ASKED   MEASURED (median of 3)    ERROR")
        var worst = 0.0
        for entry in catalog.entries {
            for ms in [5.0, 20, 100] {
                let units = catalog.units(for: entry.workload.name, ms: ms)
                let runs = (0..<3).map { _ in Double(Calibration.measure(entry.workload, units: units)) / 1e6 }.sorted()
                let error = (runs[1] - ms) / ms * 100
                worst = max(worst, abs(error))
                let name = entry.workload.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                let measured = (String(format1: runs[1], digits: 2) + " ms").leftPad(22)
                let shown = (String(format1: error, digits: 1) + " %").leftPad(8)
                print("\(name) \(String(format1: ms, digits: 0).leftPad(5)) ms  \(measured)  \(shown)\(abs(error) > 25 ? "  outside ±25 %" : "")")
            }
        }
        print("")
        print("largest error: \(String(format1: worst, digits: 1)) %")
    }
}

import ArgumentParser
import LoopTopEngine

struct Workloads: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the workloads with their parameters and measured cost on this machine.",
        discussion: helpText("""
            Each workload's cost per unit is measured at start-up; a job "of 20 ms" gets the
            units that take about 20 ms here; the engine then keeps learning from finished jobs
            (their CPU time), per workload and place. --check runs jobs of 20 ms of each
            workload on this thread (as on the loop) and on a thread of its own (as on a worker),
            learning from the first five, and shows how close the next seven came (p50).
            """))

    @Option(help: ArgumentHelp("Also list the kernel workloads of this spec file.", valueName: "file"))
    var spec: String?

    @Flag(help: "Run jobs of 20 ms of each workload, as on the loop and as on a worker, and report each one's error (target: within ±5 %).")
    var check = false

    func run() throws {
        var catalog = WorkloadCatalog.calibrated()
        if let spec {
            do {
                for workload in try WorkloadSpec.load(path: spec).workloads {
                    // A command is not run to be measured: one job is one run of it.
                    catalog.register(workload, nanosPerUnit: workload is CommandWorkload ? 1_000_000 : nil)
                }
            } catch let error as ConfigError {
                throw FileError(message: error.description)
            }
        }
        print("NAME          COST/UNIT  UNITS/20ms  WHAT")
        for entry in catalog.entries {
            let name = entry.workload.name.padding(toLength: 12, withPad: " ", startingAt: 0)
            let isCommand = entry.workload is CommandWorkload
            let cost = (isCommand ? "1 run" : String(format1: entry.nanosPerUnit / 1000, digits: 1) + " µs").leftPad(10)
            let units = (isCommand ? "—" : String(catalog.units(for: entry.workload.name, ms: 20))).leftPad(10)
            print("\(name) \(cost)  \(units)  \(entry.workload.summary)")
            if !entry.workload.parameters.isEmpty {
                print(String(repeating: " ", count: 37) + entry.workload.parameters)
            }
        }
        guard check else { return }
        // As the engine sizes jobs: learned from finished jobs per workload and
        // place, so the figure is the error after a few jobs, not calibration's.
        print("")
        print("NAME          PLACE    ASKED   RUN p50  ERROR    CPU p50  ERROR   (7 jobs after 5)")
        var worst = 0.0
        for entry in catalog.entries where !(entry.workload is CommandWorkload) {
            let name = entry.workload.name
            let results = [SizeCheck.run(name, ms: 20, place: .loop, catalog: catalog),
                           SizeCheck.runOnAThread(name, ms: 20, catalog: catalog)].compactMap { $0 }
            for result in results {
                worst = max(worst, abs(result.errorPercent))
                let shownName = name.padding(toLength: 12, withPad: " ", startingAt: 0)
                let place = result.place.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                let measured = (String(format1: result.runP50Ms, digits: 2) + " ms").leftPad(9)
                let shown = (String(format1: result.errorPercent, digits: 1) + " %").leftPad(7)
                let cpu = (String(format1: result.cpuP50Ms, digits: 2) + " ms").leftPad(9)
                let cpuShown = (String(format1: result.cpuErrorPercent, digits: 1) + " %").leftPad(7)
                print("\(shownName) \(place) \(String(format1: result.askedMs, digits: 0).leftPad(4)) ms  \(measured) \(shown)  \(cpu) \(cpuShown)\(abs(result.errorPercent) > 5 ? "  outside ±5 %" : "")")
            }
        }
        print("")
        print("largest run-time error: \(String(format1: worst, digits: 1)) %. Run time is wall time: where other")
        print("processes take the CPU it grows, while CPU time stays at the asked size.")
    }
}

@testable import LoopTopEngine
import Testing

@Suite struct WorkloadTests {
    @Test func spinClosedFormMatchesTheLoop() {
        for count in [0, 1, 2, 3, 17, 1000, 65_537] {
            #expect(SpinWorkload.jump(12345, count: UInt64(count)) == SpinWorkload.burn(12345, count: count))
        }
    }

    @Test func spinJobCompletesAndVerifies() throws {
        let run = SpinWorkload().makeRun(units: 3, seed: 99)
        var steps = 0
        while try !run.step(.detached) { steps += 1 }
        #expect(steps == 2)
    }

    @Test func primesReferenceMatchesKnownCount() {
        #expect(PrimesWorkload.referenceCounts.reduce(0, +) == 82_025)
        #expect(PrimesWorkload.referenceCounts.count == 16)
        #expect(PrimesWorkload.referenceCounts[0] == 6_542)  // π(2^16)
    }

    @Test func primesSegmentsAgreeWithReference() {
        var scratch = [Bool](repeating: false, count: PrimesWorkload.segmentSize)
        for segment in 0..<PrimesWorkload.segments {
            #expect(PrimesWorkload.sieveSegment(segment, scratch: &scratch) == PrimesWorkload.referenceCounts[segment])
        }
    }

    @Test func primesJobWalksSegmentsAcrossRounds() throws {
        let run = PrimesWorkload().makeRun(units: 20, seed: 7)
        var steps = 1
        while try !run.step(.detached) { steps += 1 }
        #expect(steps == 20)
    }

    @Test func calibrationSizesJobsByTime() {
        let catalog = TestCatalog.calibrated
        for name in ["spin", "primes"] {
            let cost = catalog.entry(named: name)!.nanosPerUnit
            #expect(cost > 100)  // a unit is real work, not an optimised-away loop
            // Units for 100 ms cost 100 ms, to within one unit.
            let units = catalog.units(for: name, ms: 100)
            #expect(abs(Double(units) * cost - 100e6) <= cost / 2 + 1)
            #expect(catalog.units(for: name, ms: 0.000_001) == 1)
        }
        #expect(catalog.units(for: "nope", ms: 10) == 1)
        #expect(catalog.units(for: "spin", ms: .nan) == 1)
    }

    @Test func cancelledContextStopsAClosureAtItsCheckpoint() {
        let flags = JobFlags()
        let context = JobContext(flag: flags)
        #expect(throws: Never.self) { try context.checkpoint() }
        flags.requestCancel()
        #expect(throws: JobInterruption.cancelled) { try context.checkpoint() }
        flags.requestFault()
        #expect(throws: JobInterruption.workerFault) { try context.checkpoint() }
    }
}

@Suite struct KernelTests {
    /// Every built-in computes and verifies a small job of its own.
    @Test(arguments: WorkloadCatalog.builtIn().map(\.name))
    func builtInRunsAndVerifies(name: String) throws {
        let workload = try #require(WorkloadCatalog.builtIn().first { $0.name == name })
        for seed: UInt64 in [1, 2, 99] {
            let run = workload.makeRun(units: 3, seed: seed)
            var steps = 1
            while try !run.step(.detached) {
                steps += 1
                #expect(steps < 10_000)
            }
        }
        #expect(!workload.summary.isEmpty)
    }

    @Test func builtInNamesAreUniqueAndListed() {
        let names = WorkloadCatalog.builtIn().map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names == ["spin", "primes", "hash", "matmul", "sort", "csv-parse", "json", "mandelbrot", "blur"])
    }

    @Test func hashKnownAnswerIsTheFIPSVector() {
        #expect(HashWorkload.knownAnswer.count == 64)
    }
}

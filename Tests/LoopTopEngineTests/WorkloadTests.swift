import Foundation
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

    /// Issue 14: the hash kernel checked a constant, never the job's own
    /// digest. Now a job whose digest differs from its input's reference fails.
    @Test func hashJobFailsWhenItsDigestDiffersFromTheReference() throws {
        // A buffer size no other test uses, so the shared table is ours for this input.
        let workload = HashWorkload(bytesPerUnit: 1_000)
        let input = HashWorkload.Input(variant: 5, bytes: 1_000, units: 4)
        let reference = try HashWorkload.reference(for: input)
        #expect(reference.count == 32)

        let good = workload.makeRun(units: 4, seed: 5)
        var finished = false
        while !finished { finished = try good.step(.detached) }

        // The same input under a wrong reference: the job's result no longer matches.
        let kept = try #require(HashWorkload.references.withLock { $0[input.stem] })
        var wrong = kept
        wrong.digests[0] ^= 0x5A
        HashWorkload.references.withLock { [wrong] in $0[input.stem] = wrong }
        defer { HashWorkload.references.withLock { $0[input.stem] = kept } }
        let bad = workload.makeRun(units: 4, seed: 5 + HashWorkload.inputVariants)
        #expect(throws: WorkloadError.self) {
            while try !bad.step(.detached) {}
        }
        // Another input is unaffected.
        let other = workload.makeRun(units: 4, seed: 6)
        #expect(throws: Never.self) { while try !other.step(.detached) {} }
        // A longer job extends the reference; a shorter one reads a prefix of it.
        let longer = workload.makeRun(units: 9, seed: 7)
        #expect(throws: Never.self) { while try !longer.step(.detached) {} }
        #expect(HashWorkload.references.withLock { $0[HashWorkload.Stem(variant: 7, bytes: 1_000)]?.units } == 9)
        let shorter = workload.makeRun(units: 3, seed: 7 + HashWorkload.inputVariants)
        #expect(throws: Never.self) { while try !shorter.step(.detached) {} }
    }
}

@Suite struct DataPassingTests {
    private func run(_ passing: DataPassing) -> Snapshot {
        let engine = Engine.forTest(workers: 2, jobMs: 0.2, queue: 64)
        engine.send(.setInput(kb: 256, passing: passing))
        engine.start()
        defer { engine.stop() }
        engine.send(.burst(30))
        var snap = engine.tick()
        #expect(eventually {
            snap = engine.tick()
            return snap.jobs.completed == 30 && snap.total.data.jobs == 30
        })
        #expect(snap.jobs.failed == 0)  // every input arrived intact (checksummed on the worker)
        return snap
    }

    @Test func onlyCopyCopies() {
        let copy = run(.copy).total.data
        #expect(copy.copiedBytes == 30 * 256 * 1024)
        #expect(copy.copy.count == 30)
        for passing in [DataPassing.transfer, .shared] {
            let data = run(passing).total.data
            #expect(data.copiedBytes == 0, "\(passing)")
            #expect(data.copy.count == 0, "\(passing)")
        }
    }

    @Test func transferredBuffersComeBackAndTravelAgain() {
        let engine = Engine.forTest(workers: 1, jobMs: 0.1, queue: 64)
        engine.send(.setInput(kb: 64, passing: .transfer))
        engine.start()
        defer { engine.stop() }
        // One at a time: after the first, each job reuses the buffer that came back.
        for n in 1...10 {
            engine.send(.burst(1))
            #expect(eventually { engine.tick().jobs.completed == UInt64(n) })
            usleep(2_000)
        }
        let data = engine.tick().total.data
        #expect(data.allocatedBytes < 10 * 64 * 1024)
        #expect(data.copiedBytes == 0)
    }

    @Test func sharedRegionHandsOverWithAtomics() throws {
        var source = InputSource()
        let first = source.make(byteCount: 4096, passing: .shared, clock: SystemClock())
        let second = source.make(byteCount: 4096, passing: .shared, clock: SystemClock())
        let input = try #require(first)
        let again = try #require(second)
        #expect(throws: Never.self) { try input.consume() }
        if case .shared(let a, _) = input.storage, case .shared(let b, _) = again.storage {
            #expect(a === b)  // one region for every job
        } else {
            Issue.record("shared input is not in a shared region")
        }
    }

    @Test func passingCycles() {
        #expect(DataPassing.copy.next == .transfer)
        #expect(DataPassing.shared.next == .copy)
    }
}

@testable import LoopTopEngine
import Foundation
import Testing

@Suite struct EventRingTests {
    /// Every start offset and fill level of small rings, as swift-collections
    /// tests its Deque: the ring must keep FIFO order across each wrap point.
    @Test(arguments: [2, 4, 8, 16])
    func fifoAcrossEveryWrapPoint(capacity: Int) {
        for offset in 0..<(capacity * 2) {
            for count in 0...capacity {
                let ring = EventRing<Int>(capacity: capacity)
                for i in 0..<offset {
                    #expect(ring.push(i))
                    #expect(ring.pop() == i)
                }
                for i in 0..<count { #expect(ring.push(1000 + i)) }
                var out: [Int] = []
                ring.drain { out.append($0) }
                #expect(out == Array(1000..<(1000 + count)))
                #expect(ring.pop() == nil)
                #expect(ring.dropped == 0)
            }
        }
    }

    @Test func fullRingDropsAndCounts() {
        let ring = EventRing<Int>(capacity: 4)
        for i in 0..<10 { ring.push(i) }
        #expect(ring.dropped == 6)
        #expect(ring.pushed == 4)
        var out: [Int] = []
        ring.drain { out.append($0) }
        #expect(out == [0, 1, 2, 3])
        // Room again after draining.
        #expect(ring.push(42))
        #expect(ring.pop() == 42)
    }

    @Test func capacityRoundsUpToPowerOfTwo() {
        #expect(EventRing<Int>(capacity: 5).size == 8)
        #expect(EventRing<Int>(capacity: 0).size == 2)
    }

    /// Four producers and a concurrent reader: every element is either
    /// received exactly once or counted as dropped, and each producer's
    /// elements arrive in its order.
    @Test func manyProducersLoseNothingSilently() {
        let ring = EventRing<Pair>(capacity: 256)
        let producers = 4
        let perProducer = 20_000
        let finished = Finished(producers)
        let threads = startThreads(producers, name: "producer") { p in
            for s in 0..<perProducer { ring.push(Pair(producer: p, seq: s)) }
            finished.done()
        }
        var received = [[Int]](repeating: [], count: producers)
        while !finished.all {
            ring.drain { received[$0.producer].append($0.seq) }
            usleep(50)
        }
        for thread in threads { thread.join() }
        ring.drain { received[$0.producer].append($0.seq) }
        let total = received.reduce(0) { $0 + $1.count }
        #expect(UInt64(total) + ring.dropped == UInt64(producers * perProducer))
        for list in received {
            #expect(list == list.sorted())
            #expect(Set(list).count == list.count)
        }
    }

    struct Pair: Sendable {
        let producer: Int
        let seq: Int
    }
}

/// What a lesson has set up at one point of its timeline: the workers and
/// the knobs its commands turned. A step's *state* is the lesson's start
/// with every command up to that step applied, so `n` and `p` can go to a
/// step whatever was pressed before (n p n leaves what n leaves).
///
/// Actions that are moments, not state (a burst, a fault, a statistics
/// reset), are not kept; a step's own commands replay them when it is entered.
public struct LessonState: Sendable, Equatable {
    public var workers: Int
    public var settings: EngineSettings
    public var queueCapacity: Int?
    public var autoRespawn: Bool?

    public init(workers: Int, settings: EngineSettings, queueCapacity: Int? = nil, autoRespawn: Bool? = nil) {
        self.workers = workers
        self.settings = settings
        self.queueCapacity = queueCapacity
        self.autoRespawn = autoRespawn
    }

    /// The state `command` leaves.
    public mutating func apply(_ command: Command) {
        switch command {
        case .spawn(let count): workers += max(0, count)
        case .terminate: workers = max(0, workers - 1)
        case .injectFault:
            // Replaced at once when respawn is on.
            if autoRespawn == false { workers = max(0, workers - 1) }
        case .setMode(let mode): settings.mode = mode
        case .cycleMode: settings.mode = settings.mode.next
        case .setWorkload(let name): settings.workload = name; settings.mix = []
        case .setJobMs(let ms): settings.jobMs = ms.clamped(to: EngineSettings.jobMsRange)
        case .scaleJobSize(let f): settings.jobMs = (settings.jobMs * f).clamped(to: EngineSettings.jobMsRange)
        case .setRate(let rate): settings.rate = rate.clamped(to: EngineSettings.rateRange)
        case .scaleRate(let f): settings.rate = (settings.rate * f).clamped(to: EngineSettings.rateRange)
        case .setArrival(let pattern): settings.arrival = pattern
        case .pause: settings.paused = true
        case .resume: settings.paused = false
        case .togglePause: settings.paused.toggle()
        case .setQueueCapacity(let n): queueCapacity = n
        case .setAutoRespawn(let on): autoRespawn = on
        case .setRequestRate(let rate): settings.requestRate = rate
        case .setInput(let kb, let passing):
            if let kb { settings.inputKB = kb }
            if let passing { settings.passing = passing }
        case .cyclePassing: settings.passing = settings.passing.next
        // The catalog's order is the engine's: lessons name their workload instead.
        case .cycleWorkload, .burst, .resetStatistics: break
        }
    }

    /// The commands that take an engine showing `now` (its settings and
    /// `liveWorkers` live workers) to this state.
    public func commands(from now: Snapshot) -> [Command] {
        var out: [Command] = []
        let have = now.settings
        if autoRespawn != nil, autoRespawn != now.autoRespawn { out.append(.setAutoRespawn(autoRespawn!)) }
        if let queueCapacity, queueCapacity != now.queue.capacity { out.append(.setQueueCapacity(queueCapacity)) }
        if settings.mode != have.mode { out.append(.setMode(settings.mode)) }
        if settings.workload != have.workload || !have.mix.isEmpty { out.append(.setWorkload(settings.workload)) }
        if settings.jobMs != have.jobMs { out.append(.setJobMs(settings.jobMs)) }
        if settings.rate != have.rate { out.append(.setRate(settings.rate)) }
        if settings.arrival != have.arrival { out.append(.setArrival(settings.arrival)) }
        if settings.paused != have.paused { out.append(settings.paused ? .pause : .resume) }
        if settings.requestRate != have.requestRate { out.append(.setRequestRate(settings.requestRate)) }
        if settings.inputKB != have.inputKB || settings.passing != have.passing {
            out.append(.setInput(kb: settings.inputKB, passing: settings.passing))
        }
        if workers > now.liveWorkers { out.append(.spawn(count: workers - now.liveWorkers)) }
        if workers < now.liveWorkers { out += Array(repeating: .terminate(worker: nil), count: now.liveWorkers - workers) }
        return out
    }
}

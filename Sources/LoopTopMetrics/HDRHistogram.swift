import Histogram

/// hdrhistogram-swift's histogram, named apart from swift-prometheus's `Histogram`
/// (a file that imports both modules cannot say which one it means).
typealias HDRHistogram = Histogram<UInt64>

#pragma once

// Small statistics helpers for latency samples (microseconds) and per-run figures.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace openopd::bench {

// Nearest-rank percentile (p in [0, 100]); 0 for no samples. Takes a copy: callers keep
// their samples in arrival order.
inline double percentile(std::vector<double> samples, double p)
{
    if (samples.empty())
        return 0;
    std::sort(samples.begin(), samples.end());
    const double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
    const auto index = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
    return samples[std::min(index, samples.size() - 1)];
}

// Median of a few per-run figures (the lower middle one for an even count).
inline double median(std::vector<double> values)
{
    return values.empty() ? 0 : percentile(std::move(values), 50);
}

inline double ratio(double numerator, double denominator)
{
    return denominator > 0 ? numerator / denominator : 0;
}

} // namespace openopd::bench

#pragma once

namespace openopd::protocol {

// The schema version every top-level message carries as "v". Decoders accept a missing "v"
// as version 1 and refuse a version newer than this build understands.
inline constexpr int kProtocolVersion = 1;

} // namespace openopd::protocol

#include "protocol/enums.h"

namespace openopd::protocol {

int priorityRank(Priority priority)
{
    switch (priority) {
    case Priority::Emergency:
        return 0;
    case Priority::Urgent:
        return 1;
    case Priority::Normal:
        return 2;
    }
    return 2;
}

} // namespace openopd::protocol

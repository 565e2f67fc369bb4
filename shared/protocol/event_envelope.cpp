#include "protocol/event_envelope.h"

namespace openopd::protocol {

QString eventTypeFromSubject(QByteArrayView subject)
{
    const QByteArrayView prefix(kEventSubjectPrefix);
    if (!subject.startsWith(prefix))
        return {};
    return QString::fromLatin1(subject.sliced(prefix.size()));
}

} // namespace openopd::protocol

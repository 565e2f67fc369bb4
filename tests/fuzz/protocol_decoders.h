#pragma once

// The decoders fuzz_protocol drives: the request and the reply decoder of every endpoint in
// protocol/endpoints.h, the envelope decoder of every event in protocol/events.h and AnyEvent.
// Each entry decodes, and when that succeeds encodes the value and decodes it again: what a
// decoder accepts must survive its own encoder unchanged (a service relays what it read).

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace openopd::fuzz {

struct DecoderEntry
{
    QByteArray subject;
    const char* kind; // "request", "reply", "event"
    // Aborts (a fuzzer finding) when an invariant breaks; returns whether the input decoded.
    bool (*run)(QByteArrayView body);
};

const QList<DecoderEntry>& protocolDecoders();

// Problems with the table against protocol/catalog.h: a catalogued endpoint or event without
// its decoders here, or an entry the catalog does not know. Empty when every decoder is covered.
QStringList coverageProblems();

} // namespace openopd::fuzz

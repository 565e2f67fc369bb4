// fuzz_protocol: every decoder of every request, reply and event type (protocol_decoders.h).
// Input: the first byte picks the decoder (modulo the table size), the rest is the body.
// Set OPENOPD_FUZZ_LIST=1 to print the table (index, kind, subject) and exit: make_corpus.py
// uses it to seed each decoder with its docs/protocol.md examples.

#include "protocol_decoders.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace openopd::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    const auto& table = protocolDecoders();
    const QStringList problems = coverageProblems();
    for (const QString& problem : problems)
        std::fprintf(stderr, "fuzz_protocol: %s\n", qPrintable(problem));
    if (!problems.isEmpty())
        std::abort(); // a decoder the catalog has is not fuzzed
    if (qEnvironmentVariableIsSet("OPENOPD_FUZZ_LIST")) {
        for (qsizetype i = 0; i < table.size(); ++i)
            std::printf("%lld %s %s\n", static_cast<long long>(i), table.at(i).kind,
                        table.at(i).subject.constData());
        std::exit(0);
    }
    std::fprintf(stderr, "fuzz_protocol: %lld decoders, every catalogued one\n",
                 static_cast<long long>(table.size()));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return -1; // not added to the corpus
    const auto& table = protocolDecoders();
    const DecoderEntry& entry = table.at(data[0] % table.size());
    entry.run(QByteArrayView(data + 1, static_cast<qsizetype>(size - 1)));
    return 0;
}

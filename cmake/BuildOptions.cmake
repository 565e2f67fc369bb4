# One interface target that every OpenOPD target links: warnings and strict Qt defines.
add_library(openopd_build_options INTERFACE)
target_compile_options(openopd_build_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wdouble-promotion
  -Wformat=2 -Wimplicit-fallthrough)
target_compile_definitions(openopd_build_options INTERFACE
  QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_CAST_FROM_BYTEARRAY
  QT_NO_URL_CAST_FROM_STRING QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_NO_KEYWORDS QT_USE_QSTRINGBUILDER QT_STRICT_ITERATORS
  QT_DISABLE_DEPRECATED_UP_TO=0x060400)

option(OPENOPD_WERROR "Treat warnings as errors" OFF)
if(OPENOPD_WERROR)
  target_compile_options(openopd_build_options INTERFACE -Werror)
endif()

set(OPENOPD_SANITIZE "" CACHE STRING "Sanitizers: empty, 'address;undefined' or 'thread'")
if(OPENOPD_SANITIZE)
  list(JOIN OPENOPD_SANITIZE "," _openopd_san)
  target_compile_options(openopd_build_options INTERFACE -fsanitize=${_openopd_san} -fno-omit-frame-pointer -g)
  target_link_options(openopd_build_options INTERFACE -fsanitize=${_openopd_san})
  if("undefined" IN_LIST OPENOPD_SANITIZE)
    target_compile_options(openopd_build_options INTERFACE -fno-sanitize-recover=undefined)
  endif()
endif()

# Link with lld when the compiler can: ~125 executables (mostly tests) each link Qt, gRPC and protobuf
# with debug info, and GNU ld spent ~600 CPU-s of a cold build on that; lld does one in a fraction
# (tst_load_test_panel_runs: bfd 7.1 s, gold 3.5 s, lld 1.1 s). Every target, generated code too.
include(CheckLinkerFlag)
check_linker_flag(CXX -fuse-ld=lld BC_HAVE_LLD)
if(BC_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
endif()

# Flags every target of ours links PRIVATE; generated code does not.
add_library(bc_flags INTERFACE)
target_compile_options(bc_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Woverloaded-virtual)
# ASan+UBSan (BC_SANITIZE) and libFuzzer coverage (BC_FUZZ, clang) go in one build: ./boutique test
# compiles the backend once for both the sanitized tests and the harnesses. The coverage hooks that
# -fsanitize=fuzzer-no-link emits have weak no-op definitions in the ASan runtime, so the tests link
# without libFuzzer; each harness adds -fsanitize=fuzzer when it links (tests/fuzz/CMakeLists.txt).
if(BC_SANITIZE OR BC_FUZZ)
    target_compile_options(bc_flags INTERFACE -fsanitize=address,undefined
        $<$<BOOL:${BC_FUZZ}>:-fsanitize=fuzzer-no-link>
        -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(bc_flags INTERFACE -fsanitize=address,undefined)
endif()

# Strict Qt defines for every Qt target of ours.
add_library(bc_qt_flags INTERFACE)
target_compile_definitions(bc_qt_flags INTERFACE
    QT_NO_KEYWORDS QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING QT_NO_NARROWING_CONVERSIONS_IN_CONNECT QT_NO_FOREACH)
target_link_libraries(bc_qt_flags INTERFACE bc_flags)

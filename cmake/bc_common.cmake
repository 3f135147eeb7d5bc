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
if(BC_SANITIZE)
    target_compile_options(bc_flags INTERFACE -fsanitize=address,undefined
        -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(bc_flags INTERFACE -fsanitize=address,undefined)
endif()
if(BC_FUZZ)
    # Coverage for libFuzzer on all our code; the harnesses add -fsanitize=fuzzer when they link.
    target_compile_options(bc_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined
        -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(bc_flags INTERFACE -fsanitize=address,undefined)
endif()

# Strict Qt defines for every Qt target of ours.
add_library(bc_qt_flags INTERFACE)
target_compile_definitions(bc_qt_flags INTERFACE
    QT_NO_KEYWORDS QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING QT_NO_NARROWING_CONVERSIONS_IN_CONNECT QT_NO_FOREACH)
target_link_libraries(bc_qt_flags INTERFACE bc_flags)

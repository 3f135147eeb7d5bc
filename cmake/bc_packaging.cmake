set(CPACK_PACKAGE_NAME "boutique-control")
set(CPACK_PACKAGE_VENDOR "Boutique Control")
set(CPACK_PACKAGE_CONTACT "Boutique Control developers <dev@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_STRIP_FILES ON) # RelWithDebInfo binaries are ~40 MB with their debug info
# The runtime libraries of the Debian 12 packages we build against (checked with dpkg-shlibdeps on the
# installed binaries), the Qt platform plugins (loaded at run time) and the tools the app drives.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.34), libstdc++6 (>= 12), libgcc-s1, \
libqt6core6 (>= 6.4), libqt6gui6 (>= 6.4), libqt6widgets6 (>= 6.4), libqt6network6 (>= 6.4), \
libqt6charts6 (>= 6.4), libqt6svg6 (>= 6.4), qt6-qpa-plugins, libyaml-cpp0.7, \
libgrpc++1.51, libgrpc29, libabsl20220623, libprotobuf32, libpqxx-6.4, libcpp-httplib0.11, \
python3-locust")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql, ansible, openssh-client")
include(CPack)

# cmake -DIN=k8s.desc -DOUT=k8s_descriptors.cpp -P embed_descriptors.cmake
# Turns the FileDescriptorSet that protoc wrote into a C++ array (bc::sandbox::k8sDescriptorSet()).
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "((','?[^,]*,){32})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}" "// Generated from infra/sandbox/proto/k8s.io/**/generated.proto by protoc; do not edit.\n"
    "#include <string_view>\nnamespace bc::sandbox {\nnamespace {\nconst char kSet[] = {\n${bytes}\n};\n}\n"
    "std::string_view k8sDescriptorSet() { return {kSet, sizeof kSet}; }\n}\n")

#include "vcd_reader.hpp"

#include <fstream>
#include <sstream>

namespace trace_test {

Vcd read_vcd(const std::string& path) {
    Vcd vcd;
    std::ifstream in(path);
    if (!in) {
        vcd.error = "cannot open " + path;
        return vcd;
    }
    std::map<std::string, std::vector<std::string>> names_of;  // id -> names (aliases)
    std::vector<std::string> scopes;
    std::string word;
    // Header: a token stream up to $enddefinitions.
    while (in >> word) {
        if (word == "$timescale") {
            in >> vcd.timescale;
        } else if (word == "$scope") {
            std::string kind, name;
            in >> kind >> name;
            scopes.push_back(name);
        } else if (word == "$upscope") {
            scopes.pop_back();
        } else if (word == "$var") {
            std::string kind, id, name;
            int width = 0;
            in >> kind >> width >> id >> name;
            std::string full;
            for (const auto& s : scopes) full += s + ".";
            full += name;
            names_of[id].push_back(full);
            vcd.widths[full] = width;
        } else if (word == "$enddefinitions") {
            break;
        }
    }
    std::uint64_t now = 0;
    std::string line;
    while (std::getline(in, line)) {
        line.erase(0, line.find_first_not_of(" \t"));
        if (line.empty() || line[0] == '$') continue;  // $end, $dumpvars ...
        std::string value, id;
        if (line[0] == '#') {
            now = std::stoull(line.substr(1));
            continue;
        } else if (line[0] == 'b') {
            const auto sp = line.find(' ');
            value = line.substr(1, sp - 1);
            id = line.substr(sp + 1);
        } else {
            value = line.substr(0, 1);
            id = line.substr(1);
        }
        auto it = names_of.find(id);
        if (it == names_of.end()) {
            vcd.error = "a change of an undeclared identifier: " + line;
            return vcd;
        }
        for (const auto& n : it->second) vcd.signals[n].push_back({now, value});
    }
    vcd.ok = true;
    return vcd;
}

std::string ascii(const std::string& bits) {
    std::string s;
    const std::size_t pad = (8 - bits.size() % 8) % 8;
    const std::string b = std::string(pad, '0') + bits;
    for (std::size_t i = 0; i + 8 <= b.size(); i += 8) {
        const char c = static_cast<char>(std::stoi(b.substr(i, 8), nullptr, 2));
        if (c != '\0') s.push_back(c);
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

std::uint64_t number(const std::string& bits) { return std::stoull(bits, nullptr, 2); }

}  // namespace trace_test

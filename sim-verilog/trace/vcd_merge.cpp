#include "vcd_merge.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace papers::trace {

namespace {

struct VcdVar {
    std::string id;
    int width = 1;
    std::string name;  // hierarchical, dot-separated, no range
    std::string range; // "[3:0]" or ""
};

// Our signals: one set per PE. Ids start with '~' followed by letters Verilator's
// base-94 codes (at most 3 characters for this model) cannot produce in a 4-character id.
struct PeSignals {
    std::string call, step, exchange, data_write, status_read, status_reads, x, s;
};

std::string make_id(int pe, char what) { return "~P" + std::to_string(pe) + what + "~"; }

std::string ascii_bits(const std::string& text, int chars) {
    std::string padded = text.substr(0, static_cast<std::size_t>(chars));
    padded.resize(static_cast<std::size_t>(chars), ' ');
    std::string bits;
    bits.reserve(padded.size() * 8);
    for (unsigned char c : padded)
        for (int b = 7; b >= 0; --b) bits.push_back(((c >> b) & 1u) ? '1' : '0');
    return bits;
}

std::string number_bits(std::uint64_t v) {
    std::string bits;
    for (int b = 31; b >= 0; --b) bits.push_back(((v >> b) & 1u) ? '1' : '0');
    return bits;
}

// A VCD vector value extended to `width` bits, MSB first (VCD rule: pad with 0, or with
// x/z when the value starts with one).
std::string extend(const std::string& v, int width) {
    if (static_cast<int>(v.size()) >= width) return v.substr(v.size() - static_cast<std::size_t>(width));
    const char pad = (v.empty() || v[0] == '1') ? '0' : v[0];
    return std::string(static_cast<std::size_t>(width) - v.size(), pad) + v;
}

class Merger {
public:
    Merger(const PeNotes& notes, const MergeOptions& options, std::ostream& out)
        : notes_(notes), options_(options), out_(out) {}

    bool run(std::istream& in, VcdLayout& layout, std::string& err) {
        std::string line;
        while (std::getline(in, line)) {
            if (line.find("$enddefinitions") != std::string::npos) {
                if (!declare(err)) return false;
                out_ << line << "\n";
                break;
            }
            parse_header_line(line);
            out_ << line << "\n";
        }
        while (std::getline(in, line)) {
            if (!line.empty() && line[0] == '#') {
                const std::uint64_t t = std::stoull(line.substr(1));
                flush_until(t);
                out_ << line << "\n";
                if (!started_) start_values();
                block_time_ = t;
                continue;
            }
            out_ << line << "\n";
            split_pins(line);
        }
        flush_until(UINT64_MAX);
        layout.pes = notes_.pes;
        layout.per_pe_pins = per_pe_pins();
        for (const char* n : {"clk_i", "g_o", "r_o"})
            if (auto v = find(n)) layout.hub_signals.push_back(v->name + v->range);
        return true;
    }

private:
    void parse_header_line(const std::string& line) {
        std::istringstream in(line);
        std::vector<std::string> tok;
        for (std::string t; in >> t;) tok.push_back(t);
        for (std::size_t i = 0; i < tok.size(); ++i) {
            if (tok[i] == "$scope" && i + 2 < tok.size()) {
                scopes_.push_back(tok[i + 2]);
                i += 2;
            } else if (tok[i] == "$upscope") {
                if (!scopes_.empty()) scopes_.pop_back();
            } else if (tok[i] == "$var" && i + 4 < tok.size()) {
                VcdVar v;
                v.width = std::stoi(tok[i + 2]);
                v.id = tok[i + 3];
                std::string path;
                for (const auto& s : scopes_) path += s + ".";
                v.name = path + tok[i + 4];
                if (i + 5 < tok.size() && tok[i + 5][0] == '[') v.range = tok[i + 5];
                used_ids_.insert(v.id);
                const std::string leaf = tok[i + 4];
                if (!leaf_.count(leaf)) leaf_[leaf] = v;  // the top-most (first) of a name
                i += 4;
            }
        }
    }

    const VcdVar* find(const std::string& leaf) const {
        auto it = leaf_.find(leaf);
        return it == leaf_.end() ? nullptr : &it->second;
    }

    bool per_pe_pins() const {
        const VcdVar* x = find("x_i");
        const VcdVar* s = find("s_i");
        return options_.split_pins && x && s && x->width >= 4 * notes_.pes && s->width >= notes_.pes;
    }

    bool declare(std::string& err) {
        pe_.resize(static_cast<std::size_t>(notes_.pes));
        out_ << "$scope module papers $end\n";
        for (int k = 0; k < notes_.pes; ++k) {
            PeSignals& p = pe_[static_cast<std::size_t>(k)];
            p = {make_id(k, 'c'), make_id(k, 't'), make_id(k, 'n'), make_id(k, 'w'),
                 make_id(k, 'r'), make_id(k, 'k'), make_id(k, 'x'), make_id(k, 's')};
            for (const auto* id : {&p.call, &p.step, &p.exchange, &p.data_write, &p.status_read,
                                   &p.status_reads, &p.x, &p.s})
                if (used_ids_.count(*id)) {
                    err = "the VCD already uses the identifier " + *id;
                    return false;
                }
            out_ << "$scope module pe" << k << " $end\n"
                 << "$var wire " << 8 * kCallChars << " " << p.call << " call [" << 8 * kCallChars - 1 << ":0] $end\n"
                 << "$var wire " << 8 * kStepChars << " " << p.step << " step [" << 8 * kStepChars - 1 << ":0] $end\n"
                 << "$var wire 32 " << p.exchange << " exchange [31:0] $end\n"
                 << "$var event 1 " << p.data_write << " data_write $end\n"
                 << "$var event 1 " << p.status_read << " status_read $end\n"
                 << "$var wire 32 " << p.status_reads << " status_reads [31:0] $end\n";
            if (per_pe_pins())
                out_ << "$var wire 4 " << p.x << " x [3:0] $end\n"
                     << "$var wire 1 " << p.s << " s $end\n";
            out_ << "$upscope $end\n";
        }
        out_ << "$upscope $end\n";
        return true;
    }

    void start_values() {
        started_ = true;
        for (const PeSignals& p : pe_) {
            out_ << "b" << ascii_bits("", kCallChars) << " " << p.call << "\n"
                 << "b" << ascii_bits("", kStepChars) << " " << p.step << "\n"
                 << "b" << number_bits(0) << " " << p.exchange << "\n"
                 << "b" << number_bits(0) << " " << p.status_reads << "\n";
        }
    }

    // Emits the notes before time t: those at the current block's time join it, later ones
    // get a timestamp of their own. Several changes of one signal at one time: the last wins.
    void flush_until(std::uint64_t t) {
        while (next_ < notes_.notes.size() && notes_.notes[next_].time_ns < t) {
            const std::uint64_t when = std::max(notes_.notes[next_].time_ns, block_time_);
            if (when != block_time_ || !started_) {
                out_ << "#" << when << "\n";
                if (!started_) start_values();
                block_time_ = when;
            }
            std::map<std::string, std::string> changes;  // id -> value line, last wins
            std::set<std::string> events;
            while (next_ < notes_.notes.size() &&
                   std::max(notes_.notes[next_].time_ns, block_time_) == when &&
                   notes_.notes[next_].time_ns < t)
                apply(notes_.notes[next_++], changes, events);
            for (const auto& [id, value] : changes) out_ << value << "\n";
            for (const auto& e : events) out_ << "1" << e << "\n";
        }
    }

    void apply(const Note& n, std::map<std::string, std::string>& changes,
               std::set<std::string>& events) {
        const PeSignals& p = pe_[static_cast<std::size_t>(n.pe)];
        auto set = [&](const std::string& id, const std::string& bits) {
            changes[id] = "b" + bits + " " + id;
        };
        switch (n.kind) {
            case 'i':
                // A call that took no hub time (finalize's last DATA write): its label stays
                // until the next call instead of vanishing in a change of zero length.
                if (changes.count(p.call)) break;
                [[fallthrough]];
            case 'c':
                set(p.call, ascii_bits(n.kind == 'c' ? n.text : "", kCallChars));
                set(p.step, ascii_bits("", kStepChars));
                set(p.exchange, number_bits(0));
                break;
            case 'x':
                set(p.step, ascii_bits(n.text, kStepChars));
                set(p.exchange, number_bits(n.number));
                events.insert(p.data_write);
                break;
            case 'r':
                set(p.status_reads, number_bits(n.number));
                events.insert(p.status_read);
                break;
        }
    }

    // A change of the hub's x_i or s_i: the same change on every PE's own x and s.
    void split_pins(const std::string& line) {
        if (!per_pe_pins() || line.empty()) return;
        std::string value, id;
        if (line[0] == 'b' || line[0] == 'B') {
            const auto sp = line.find(' ');
            if (sp == std::string::npos) return;
            value = line.substr(1, sp - 1);
            id = line.substr(sp + 1);
        } else if (line[0] == '0' || line[0] == '1' || line[0] == 'x' || line[0] == 'z') {
            value = line.substr(0, 1);
            id = line.substr(1);
        } else {
            return;
        }
        const VcdVar* x = find("x_i");
        const VcdVar* s = find("s_i");
        const bool is_x = id == x->id, is_s = id == s->id;
        if (!is_x && !is_s) return;
        const int width = is_x ? x->width : s->width;
        const std::string bits = extend(value, width);
        for (int k = 0; k < notes_.pes; ++k) {
            PeSignals& p = pe_[static_cast<std::size_t>(k)];
            const int lsb = is_x ? 4 * k : k, n = is_x ? 4 : 1;
            const std::string mine = bits.substr(static_cast<std::size_t>(width - lsb - n),
                                                 static_cast<std::size_t>(n));
            std::string& last = is_x ? last_x_[k] : last_s_[k];
            if (mine == last) continue;
            last = mine;
            out_ << (is_x ? "b" + mine + " " + p.x : mine + p.s) << "\n";
        }
    }

    const PeNotes& notes_;
    const MergeOptions& options_;
    std::ostream& out_;
    std::vector<std::string> scopes_;
    std::set<std::string> used_ids_;
    std::map<std::string, VcdVar> leaf_;
    std::vector<PeSignals> pe_;
    std::map<int, std::string> last_x_, last_s_;
    std::size_t next_ = 0;
    std::uint64_t block_time_ = 0;
    bool started_ = false;
};

}  // namespace

bool merge_notes_into_vcd(const std::string& vcd_in, const std::string& vcd_out,
                          const PeNotes& notes, const MergeOptions& options, VcdLayout& layout,
                          std::string& err) {
    std::ifstream in(vcd_in);
    if (!in) {
        err = "cannot read " + vcd_in;
        return false;
    }
    std::ofstream out(vcd_out);
    if (!out) {
        err = "cannot write " + vcd_out;
        return false;
    }
    for (const Note& n : notes.notes)
        if (n.pe < 0 || n.pe >= notes.pes) {
            err = "a note of PE " + std::to_string(n.pe) + " outside 0.." + std::to_string(notes.pes - 1);
            return false;
        }
    Merger m(notes, options, out);
    if (!m.run(in, layout, err)) return false;
    out.flush();
    if (!out) {
        err = "writing " + vcd_out + " failed";
        return false;
    }
    return true;
}

}  // namespace papers::trace

#pragma once

// Real, small media files made byte by byte, so tests need no fixtures on
// disk: libmagic must recognise them as what they are.
#include <cstdint>
#include <string>

namespace wa::testing {

inline uint32_t Crc32(const std::string& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline void AppendBigEndian(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

inline std::string PngChunk(const std::string& type, const std::string& data) {
  std::string chunk;
  AppendBigEndian(chunk, static_cast<uint32_t>(data.size()));
  chunk += type + data;
  AppendBigEndian(chunk, Crc32(type + data));
  return chunk;
}

// A valid RGB PNG of `width` x `height` (uncompressed deflate blocks, so the
// size is about 3 * width * height bytes), each image different by `seed`.
inline std::string PngBytes(uint32_t width = 1, uint32_t height = 1, uint8_t seed = 0) {
  std::string ihdr;
  AppendBigEndian(ihdr, width);
  AppendBigEndian(ihdr, height);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, no interlace
  std::string raw;
  for (uint32_t y = 0; y < height; ++y) {
    raw.push_back('\0');  // filter: none
    for (uint32_t x = 0; x < width * 3; ++x)
      raw.push_back(static_cast<char>((x + y + seed) & 0xFF));
  }
  std::string zlib("\x78\x01", 2);
  for (size_t at = 0; at < raw.size() || at == 0; at += 65535) {
    const size_t n = std::min<size_t>(65535, raw.size() - at);
    zlib.push_back(at + n >= raw.size() ? '\x01' : '\x00');  // stored block, last?
    zlib.push_back(static_cast<char>(n & 0xFF));
    zlib.push_back(static_cast<char>(n >> 8));
    zlib.push_back(static_cast<char>(~n & 0xFF));
    zlib.push_back(static_cast<char>((~n >> 8) & 0xFF));
    zlib += raw.substr(at, n);
    if (raw.empty()) break;
  }
  uint32_t a = 1, b = 0;  // Adler-32
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  AppendBigEndian(zlib, (b << 16) | a);
  return std::string("\x89PNG\r\n\x1a\n", 8) + PngChunk("IHDR", ihdr) + PngChunk("IDAT", zlib) +
         PngChunk("IEND", "");
}

inline std::string PdfBytes(const std::string& text = "Hotel amenities guide") {
  return "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
         "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n% " +
         text + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
}

inline void AppendLittleEndian(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>(value >> shift));
}

// A WebP container of `size` bytes; animated ones carry the VP8X animation flag.
inline std::string WebpBytes(size_t size, bool animated) {
  std::string body = "WEBP";
  if (animated) {
    body += "VP8X";
    AppendLittleEndian(body, 10);
    body += std::string("\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00", 10);
  }
  const size_t payload = size > body.size() + 16 ? size - body.size() - 16 : 0;
  body += "VP8 ";
  AppendLittleEndian(body, static_cast<uint32_t>(payload));
  body += std::string(payload, '\0');
  std::string out = "RIFF";
  AppendLittleEndian(out, static_cast<uint32_t>(body.size()));
  return out + body;
}

inline std::string GifBytes() {
  return std::string(
      "GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x00;", 26);
}

}  // namespace wa::testing

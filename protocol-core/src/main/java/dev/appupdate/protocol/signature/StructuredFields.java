package dev.appupdate.protocol.signature;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * RFC 8941 Structured Field Values, the part HTTP Message Signatures and Content-Digest use:
 * dictionaries whose members are items or inner lists, with parameters, and every bare item type
 * (integer, decimal, string, token, byte sequence, boolean). Parsing follows RFC 8941 section 4.2,
 * stricter in two ways that suit signature checking: a key repeated within a dictionary or within
 * parameters is an error (RFC 8941 would keep the last), and every structure is bounded (members,
 * items, parameters, key length), so that a hostile field costs little to refuse. Serializing
 * follows section 4.1 and is canonical: parsing then serializing gives one spelling, which is what
 * the {@code @signature-params} line of a signature base needs.
 *
 * <p>Bare items are Java values: {@link Long} (integer), {@link BigDecimal} (decimal), {@link
 * String} (string), {@link Token}, {@code byte[]} (byte sequence) and {@link Boolean}.
 */
final class StructuredFields {
  private StructuredFields() {}

  static final int MAX_MEMBERS = 32;
  static final int MAX_INNER_LIST_ITEMS = 32;
  static final int MAX_PARAMETERS = 16;
  static final int MAX_KEY_LENGTH = 64;

  private static final long MAX_INTEGER = 999_999_999_999_999L;

  /** A token bare item, kept apart from a string: they serialize differently. */
  static final class Token {
    final String value;

    Token(String value) {
      this.value = value;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Token && ((Token) o).value.equals(value);
    }

    @Override
    public int hashCode() {
      return value.hashCode();
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** A bare item with its parameters. */
  static final class Item {
    final Object value;
    final Map<String, Object> params;

    Item(Object value, Map<String, Object> params) {
      this.value = Objects.requireNonNull(value);
      this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    static Item of(Object value) {
      return new Item(value, Map.of());
    }
  }

  /** An inner list: items in parentheses, with parameters of its own. */
  static final class InnerList {
    final List<Item> items;
    final Map<String, Object> params;

    InnerList(List<Item> items, Map<String, Object> params) {
      this.items = List.copyOf(items);
      this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
  }

  /** A field value that is not valid RFC 8941: the message says where and what. */
  static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing

  /**
   * Parses a dictionary field value, its members in order; each value is an {@link Item} or an
   * {@link InnerList}. An empty value is an empty dictionary.
   */
  static Map<String, Object> parseDictionary(String field) throws ParseException {
    Parser p = new Parser(field);
    Map<String, Object> members = new LinkedHashMap<>();
    p.skipSpaces();
    while (!p.atEnd()) {
      int at = p.pos;
      String key = p.key();
      Object member;
      if (p.peek() == '=') {
        p.pos++;
        member = p.itemOrInnerList();
      } else {
        member = new Item(Boolean.TRUE, p.parameters());
      }
      if (members.containsKey(key)) {
        throw new ParseException("member " + key + " appears twice, at offset " + at);
      }
      if (members.size() == MAX_MEMBERS) {
        throw new ParseException("more than " + MAX_MEMBERS + " members, at offset " + at);
      }
      members.put(key, member);
      p.skipOws();
      if (p.atEnd()) {
        break;
      }
      p.expect(',', "',' or the end");
      p.skipOws();
      if (p.atEnd()) {
        throw p.error(p.pos, "a member after ','");
      }
    }
    return members;
  }

  private static final class Parser {
    final String s;
    int pos;
    int end;

    Parser(String field) {
      this.s = field;
      // HTTP removes leading and trailing whitespace of a field value; RFC 8941 only spaces.
      int start = 0;
      int stop = field.length();
      while (start < stop && isOws(field.charAt(start))) {
        start++;
      }
      while (stop > start && isOws(field.charAt(stop - 1))) {
        stop--;
      }
      this.pos = start;
      this.end = stop;
    }

    boolean atEnd() {
      return pos >= end;
    }

    int peek() {
      return pos < end ? s.charAt(pos) : -1;
    }

    ParseException error(int at, String expected) {
      String got = at >= end ? "the end" : describe(s.charAt(at));
      return new ParseException("expected " + expected + " at offset " + at + ", got " + got);
    }

    void expect(char c, String expected) throws ParseException {
      if (peek() != c) {
        throw error(pos, expected);
      }
      pos++;
    }

    void skipSpaces() {
      while (peek() == ' ') {
        pos++;
      }
    }

    void skipOws() {
      while (pos < end && isOws(s.charAt(pos))) {
        pos++;
      }
    }

    Object itemOrInnerList() throws ParseException {
      return peek() == '(' ? innerList() : item();
    }

    InnerList innerList() throws ParseException {
      pos++;
      List<Item> items = new ArrayList<>();
      while (true) {
        skipSpaces();
        if (peek() == ')') {
          pos++;
          return new InnerList(items, parameters());
        }
        if (items.size() == MAX_INNER_LIST_ITEMS) {
          throw new ParseException(
              "more than " + MAX_INNER_LIST_ITEMS + " items in an inner list at offset " + pos);
        }
        items.add(item());
        int c = peek();
        if (c != ' ' && c != ')') {
          throw error(pos, "' ' or ')' in an inner list");
        }
      }
    }

    Item item() throws ParseException {
      Object value = bareItem();
      return new Item(value, parameters());
    }

    Map<String, Object> parameters() throws ParseException {
      Map<String, Object> params = new LinkedHashMap<>();
      while (peek() == ';') {
        pos++;
        skipSpaces();
        int at = pos;
        String key = key();
        Object value = Boolean.TRUE;
        if (peek() == '=') {
          pos++;
          value = bareItem();
        }
        if (params.containsKey(key)) {
          throw new ParseException("parameter " + key + " appears twice, at offset " + at);
        }
        if (params.size() == MAX_PARAMETERS) {
          throw new ParseException("more than " + MAX_PARAMETERS + " parameters at offset " + at);
        }
        params.put(key, value);
      }
      return params;
    }

    String key() throws ParseException {
      int start = pos;
      int c = peek();
      if (!(isLcAlpha(c) || c == '*')) {
        throw error(pos, "a key (a lower-case letter or '*')");
      }
      pos++;
      while (pos < end) {
        c = s.charAt(pos);
        if (!(isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*')) {
          break;
        }
        pos++;
      }
      if (pos - start > MAX_KEY_LENGTH) {
        throw new ParseException(
            "key at offset " + start + " is longer than " + MAX_KEY_LENGTH + " characters");
      }
      return s.substring(start, pos);
    }

    Object bareItem() throws ParseException {
      int c = peek();
      if (c == '-' || isDigit(c)) {
        return number();
      }
      if (c == '"') {
        return string();
      }
      if (c == '*' || isAlpha(c)) {
        return token();
      }
      if (c == ':') {
        return byteSequence();
      }
      if (c == '?') {
        return bool();
      }
      throw error(pos, "an item (a number, \"string\", token, :bytes: or ?boolean)");
    }

    Object number() throws ParseException {
      int start = pos;
      boolean negative = false;
      if (peek() == '-') {
        negative = true;
        pos++;
      }
      if (!isDigit(peek())) {
        throw error(pos, "a digit");
      }
      int digitsStart = pos;
      int dot = -1;
      while (pos < end) {
        char c = s.charAt(pos);
        if (isDigit(c)) {
          pos++;
        } else if (c == '.' && dot < 0) {
          if (pos - digitsStart > 12) {
            throw new ParseException(
                "decimal at offset " + start + " has more than 12 integer digits");
          }
          dot = pos++;
        } else {
          break;
        }
        int length = pos - digitsStart;
        if (dot < 0 && length > 15) {
          throw new ParseException("integer at offset " + start + " has more than 15 digits");
        }
        if (dot >= 0 && length > 16) {
          throw new ParseException("decimal at offset " + start + " is longer than 16 characters");
        }
      }
      String digits = s.substring(digitsStart, pos);
      if (dot < 0) {
        long v = Long.parseLong(digits);
        return negative ? -v : v;
      }
      int fraction = pos - dot - 1;
      if (fraction == 0 || fraction > 3) {
        throw new ParseException(
            "decimal at offset " + start + " must have 1 to 3 digits after the point");
      }
      BigDecimal v = new BigDecimal(digits);
      return negative ? v.negate() : v;
    }

    String string() throws ParseException {
      int start = pos;
      pos++;
      StringBuilder sb = new StringBuilder();
      while (pos < end) {
        char c = s.charAt(pos++);
        if (c == '\\') {
          if (pos >= end) {
            break;
          }
          char next = s.charAt(pos++);
          if (next != '"' && next != '\\') {
            throw error(pos - 1, "'\"' or '\\\\' after '\\\\' in a string");
          }
          sb.append(next);
        } else if (c == '"') {
          return sb.toString();
        } else if (c < 0x20 || c > 0x7e) {
          throw error(pos - 1, "printable ASCII in a string");
        } else {
          sb.append(c);
        }
      }
      throw new ParseException("string at offset " + start + " has no closing '\"'");
    }

    Token token() {
      int start = pos;
      pos++;
      while (pos < end
          && (isTchar(s.charAt(pos)) || s.charAt(pos) == ':' || s.charAt(pos) == '/')) {
        pos++;
      }
      return new Token(s.substring(start, pos));
    }

    byte[] byteSequence() throws ParseException {
      int start = pos;
      pos++;
      int close = s.indexOf(':', pos);
      if (close < 0 || close >= end) {
        throw new ParseException("byte sequence at offset " + start + " has no closing ':'");
      }
      for (int i = pos; i < close; i++) {
        char c = s.charAt(i);
        if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) {
          throw error(i, "base64 (A-Z, a-z, 0-9, '+', '/', '=') in a byte sequence");
        }
      }
      String base64 = s.substring(pos, close);
      pos = close + 1;
      try {
        return Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        throw new ParseException("byte sequence at offset " + start + " is not valid base64");
      }
    }

    Boolean bool() throws ParseException {
      pos++;
      int c = peek();
      if (c == '1' || c == '0') {
        pos++;
        return c == '1';
      }
      throw error(pos, "0 or 1 after '?'");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Serializing

  /** Serializes a dictionary whose values are {@link Item}s or {@link InnerList}s. */
  static String serializeDictionary(Map<String, Object> members) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> m : members.entrySet()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(m.getKey());
      Object v = m.getValue();
      if (v instanceof Item && Boolean.TRUE.equals(((Item) v).value)) {
        serializeParameters(sb, ((Item) v).params);
      } else {
        sb.append('=');
        serializeMember(sb, v);
      }
    }
    return sb.toString();
  }

  static void serializeMember(StringBuilder sb, Object member) {
    if (member instanceof InnerList) {
      serializeInnerList(sb, (InnerList) member);
    } else {
      serializeItem(sb, (Item) member);
    }
  }

  static String serializeInnerList(InnerList list) {
    StringBuilder sb = new StringBuilder();
    serializeInnerList(sb, list);
    return sb.toString();
  }

  static void serializeInnerList(StringBuilder sb, InnerList list) {
    sb.append('(');
    for (int i = 0; i < list.items.size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      serializeItem(sb, list.items.get(i));
    }
    sb.append(')');
    serializeParameters(sb, list.params);
  }

  static String serializeItem(Item item) {
    StringBuilder sb = new StringBuilder();
    serializeItem(sb, item);
    return sb.toString();
  }

  static void serializeItem(StringBuilder sb, Item item) {
    serializeBareItem(sb, item.value);
    serializeParameters(sb, item.params);
  }

  private static void serializeParameters(StringBuilder sb, Map<String, Object> params) {
    for (Map.Entry<String, Object> p : params.entrySet()) {
      sb.append(';').append(p.getKey());
      if (!Boolean.TRUE.equals(p.getValue())) {
        sb.append('=');
        serializeBareItem(sb, p.getValue());
      }
    }
  }

  private static void serializeBareItem(StringBuilder sb, Object v) {
    if (v instanceof Long) {
      long n = (Long) v;
      if (n > MAX_INTEGER || n < -MAX_INTEGER) {
        throw new IllegalArgumentException("integer out of range: " + n);
      }
      sb.append(n);
    } else if (v instanceof BigDecimal) {
      sb.append(((BigDecimal) v).toPlainString());
    } else if (v instanceof String) {
      String s = (String) v;
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c > 0x7e) {
          throw new IllegalArgumentException("not printable ASCII in a string: " + describe(c));
        }
        if (c == '"' || c == '\\') {
          sb.append('\\');
        }
        sb.append(c);
      }
      sb.append('"');
    } else if (v instanceof Token) {
      sb.append(((Token) v).value);
    } else if (v instanceof byte[]) {
      sb.append(':').append(Base64.getEncoder().encodeToString((byte[]) v)).append(':');
    } else if (v instanceof Boolean) {
      sb.append((Boolean) v ? "?1" : "?0");
    } else {
      throw new IllegalArgumentException("not a bare item: " + v.getClass());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Characters

  private static boolean isOws(int c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLcAlpha(int c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isAlpha(int c) {
    return isLcAlpha(c) || (c >= 'A' && c <= 'Z');
  }

  /** RFC 9110 {@code tchar}. */
  private static boolean isTchar(int c) {
    return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** Describes a character for a message: {@code 'x'} when printable ASCII, else {@code U+0009}. */
  static String describe(char c) {
    return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format(Locale.ROOT, "U+%04X", (int) c);
  }
}

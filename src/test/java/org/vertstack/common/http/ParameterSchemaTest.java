package org.vertstack.common.http;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Query and path parameters against a declared schema: every value of a repeated parameter, a 400 naming the parameter. */
class ParameterSchemaTest {

  private static final JsonObject LIST = new JsonObject("""
    {"type": "object",
     "properties": {"limit": {"type": "string", "pattern": "^[0-9]+$"}, "dir": {"type": "string", "enum": ["asc", "desc"]}},
     "additionalProperties": true}""");

  private static MultiMap query(String... pairs) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      m.add(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static void refused(Runnable check, String... says) {
    assertThatThrownBy(check::run).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(400);
      assertThat(e.getMessage()).contains(says);
    });
  }

  @Test
  void typedQueryParametersAreCheckedAndOthersPass() {
    ParameterSchema schema = ParameterSchema.of("list", ParameterSchema.Source.QUERY, LIST);
    assertThatCode(() -> schema.check(query())).doesNotThrowAnyException();
    assertThatCode(() -> schema.check(query("limit", "10", "dir", "asc", "name", "anything"))).doesNotThrowAnyException();
    refused(() -> schema.check(query("limit", "ten")), "Invalid input for query parameters limit. Value: ten.");
    refused(() -> schema.check(query("limit", "-1")), "query parameters limit");
    refused(() -> schema.check(query("dir", "sideways", "limit", "3")), "query parameters dir. Value: sideways.");
  }

  @Test
  void everyValueOfARepeatedParameterIsChecked() {
    ParameterSchema schema = ParameterSchema.of("list", ParameterSchema.Source.QUERY, LIST);
    assertThatCode(() -> schema.check(query("limit", "1", "limit", "2", "dir", "asc"))).doesNotThrowAnyException();
    refused(() -> schema.check(query("limit", "1", "limit", "x", "dir", "asc")), "limit. Value: x.");
  }

  @Test
  void closedSchemasRefuseUnknownParameters() {
    JsonObject closed = LIST.copy().put("additionalProperties", false);
    ParameterSchema schema = ParameterSchema.of("closed", ParameterSchema.Source.QUERY, closed);
    refused(() -> schema.check(query("limit", "1", "colour", "red")), "colour", "was unexpected");
  }

  @Test
  void pathParametersAreNamedAsSuch() {
    ParameterSchema schema = ParameterSchema.of("ids", ParameterSchema.Source.PATH, new JsonObject("""
      {"type": "object", "properties": {"id": {"type": "string", "pattern": "^[0-9a-f-]{36}$"}}}"""));
    assertThatCode(() -> schema.check(Map.of("id", "0b0c1a2e-1111-2222-3333-444455556666"))).doesNotThrowAnyException();
    refused(() -> schema.check(Map.of("id", "nope")), "Invalid input for path parameter id. Value: nope.");
  }
}

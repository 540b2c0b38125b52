package dev.runbook.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.DialectId;
import dev.runbook.exec.RunFixture;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

/**
 * What the report tests check every report file against: the JUnit XML against the xUnit plugin's
 * {@code junit-10.xsd} (vendored under {@code src/test/resources/junit/}), the JSON against
 * {@code schemas/report.schema.json}; and the JUnit XML read back as a CI server reads it.
 */
final class ReportChecks {

    private static final String ID = "https://runbook.dev/schemas/report.schema.json";
    private static Schema reportSchema;

    private ReportChecks() {
    }

    /** The problems of the JUnit XML {@code xml} against junit-10.xsd: every one, not just the first. */
    static List<String> junitProblems(String xml) throws Exception {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        javax.xml.validation.Schema xsd = f.newSchema(ReportChecks.class.getResource("/junit/junit-10.xsd"));
        Validator v = xsd.newValidator();
        List<String> problems = new ArrayList<>();
        v.setErrorHandler(new org.xml.sax.ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
            }

            @Override
            public void error(SAXParseException e) {
                problems.add(e.getLineNumber() + ": " + e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) {
                problems.add(e.getLineNumber() + ": " + e.getMessage());
            }
        });
        v.validate(new StreamSource(new StringReader(xml)));
        return problems;
    }

    /** The JUnit XML file, validated against junit-10.xsd and parsed. */
    static Document junit(Path file) throws Exception {
        String xml = RunFixture.read(file);
        assertThat(junitProblems(xml)).as("JUnit XML against junit-10.xsd:\n" + xml).isEmpty();
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(xml)));
    }

    /** The test cases of a JUnit document as {@code classname name outcome}: {@code runbook.x.steps a passed}. */
    static List<String> cases(Document doc) {
        List<String> out = new ArrayList<>();
        NodeList cases = doc.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            String outcome = "passed";
            for (String kind : List.of("failure", "error", "skipped")) {
                if (c.getElementsByTagName(kind).getLength() > 0) {
                    outcome = kind;
                }
            }
            out.add(c.getAttribute("classname") + " " + c.getAttribute("name") + " " + outcome);
        }
        return out;
    }

    /** The suite's counts as {@code tests/failures/errors/skipped}. */
    static String counts(Document doc) {
        Element s = doc.getDocumentElement();
        return s.getAttribute("tests") + "/" + s.getAttribute("failures") + "/" + s.getAttribute("errors") + "/"
                + s.getAttribute("skipped");
    }

    /** The problems of a JSON report against schemas/report.schema.json. */
    static List<String> jsonProblems(String json) {
        return reportSchema().validate(json, InputFormat.JSON).stream().map(Object::toString).toList();
    }

    static synchronized Schema reportSchema() {
        if (reportSchema == null) {
            Path schemas = RunFixture.ROOT.resolve("schemas");
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                    b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                            .schemas(iri -> iri.startsWith("https://runbook.dev/schemas/")
                                    ? RunFixture.read(schemas.resolve(iri.substring(iri.lastIndexOf('/') + 1)))
                                    : null));
            Schema meta = registry.getSchema(SchemaLocation.of(DialectId.DRAFT_2020_12));
            assertThat(meta.validate(RunFixture.read(schemas.resolve("report.schema.json")), InputFormat.JSON))
                    .as("report.schema.json against the 2020-12 meta-schema").isEmpty();
            reportSchema = registry.getSchema(SchemaLocation.of(ID));
        }
        return reportSchema;
    }
}

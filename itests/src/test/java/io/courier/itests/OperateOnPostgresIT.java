package io.courier.itests;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** {@link OperateIT} with the store on PostgreSQL. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperateOnPostgresIT extends OperateIT {

    @Override
    protected Option database() {
        return postgres("operate");
    }

    @Test
    public void theStoreIsOnPostgresAndItsPasswordIsNeverShown() throws Exception {
        assertStoreOnPostgres();
    }
}

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fa_IR" sourcelanguage="en">
    <context>
        <name>AgencyScreen</name>
        <message>
            <source>Call centre: %1</source>
            <translation>مرکز تماس: %1</translation>
        </message>
        <message>
            <source>Online services (%1)</source>
            <translation>خدمات الکترونیک (%1)</translation>
        </message>
    </context>
    <context>
        <name>AgencyTile</name>
        <message>
            <source>%1 online services</source>
            <translation>%1 خدمت الکترونیک</translation>
        </message>
    </context>
    <context>
        <name>AttractScreen</name>
        <message>
            <source>%1 services you can use online, from home, without a visit</source>
            <translation>%1 خدمت که می‌توانید از خانه و بدون مراجعه حضوری، برخط انجام دهید</translation>
        </message>
        <message>
            <source>Touch the screen to start</source>
            <translation>برای شروع، صفحه را لمس کنید</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>Free</source>
            <translation>رایگان</translation>
        </message>
        <message>
            <source>Depends on the case</source>
            <translation>بسته به مورد</translation>
        </message>
        <message>
            <source>Toman</source>
            <translation>تومان</translation>
        </message>
        <message>
            <source>Rial</source>
            <translation>ریال</translation>
        </message>
        <message>
            <source>Immediately, online</source>
            <translation>فوری و برخط</translation>
        </message>
    </context>
    <context>
        <name>Header</name>
        <message>
            <source>Demo</source>
            <translation>نمایشی</translation>
        </message>
        <message>
            <source>Requests filed here are for demonstration only</source>
            <translation>درخواست‌های ثبت‌شده در این پیشخوان فقط جنبه نمایشی دارند</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>بازگشت</translation>
        </message>
        <message>
            <source>Home</source>
            <translation>خانه</translation>
        </message>
        <message>
            <source>Switch language to %1</source>
            <translation>تغییر زبان به %1</translation>
        </message>
    </context>
    <context>
        <name>HomeScreen</name>
        <message>
            <source>Choose an agency, or search for what you need</source>
            <translation>دستگاه موردنظر را انتخاب کنید یا خدمت موردنیازتان را جست‌وجو کنید</translation>
        </message>
        <message>
            <source>Search services, e.g. water bill, passport, postal code</source>
            <translation>جست‌وجوی خدمات، مثلاً قبض آب، گذرنامه، کد پستی</translation>
        </message>
        <message>
            <source>Search services</source>
            <translation>جست‌وجوی خدمات</translation>
        </message>
        <message>
            <source>Clear search</source>
            <translation>پاک کردن جست‌وجو</translation>
        </message>
        <message>
            <source>Nothing found. Try a shorter or different word, or clear the search to see every agency.</source>
            <translation>چیزی پیدا نشد. واژه کوتاه‌تر یا دیگری را امتحان کنید، یا جست‌وجو را پاک کنید تا همه دستگاه‌ها را ببینید.</translation>
        </message>
    </context>
    <context>
        <name>KioskWindow</name>
        <message>
            <source>Pishkhan e-services kiosk</source>
            <translation>پیشخوان خدمات الکترونیک</translation>
        </message>
        <message>
            <source>This kiosk is out of service for a moment.
Please ask the booth staff for help.</source>
            <translation>این پیشخوان لحظاتی از دسترس خارج است.
لطفاً از کارکنان غرفه کمک بخواهید.</translation>
        </message>
    </context>
    <context>
        <name>ServiceScreen</name>
        <message>
            <source>Fee</source>
            <translation>هزینه</translation>
        </message>
        <message>
            <source>Typical time</source>
            <translation>زمان معمول انجام</translation>
        </message>
        <message>
            <source>Scan with your phone's camera to continue on your phone</source>
            <translation>با دوربین گوشی خود اسکن کنید و کار را روی گوشی‌تان ادامه دهید</translation>
        </message>
        <message>
            <source>QR code of %1</source>
            <translation>کد QR نشانی %1</translation>
        </message>
        <message>
            <source>Who it is for</source>
            <translation>این خدمت برای چه کسانی است</translation>
        </message>
        <message>
            <source>No documents needed</source>
            <translation>مدرکی لازم نیست</translation>
        </message>
        <message>
            <source>What to have at hand</source>
            <translation>آنچه باید همراه داشته باشید</translation>
        </message>
        <message>
            <source>Steps</source>
            <translation>مراحل انجام</translation>
        </message>
        <message>
            <source>Website</source>
            <translation>وب‌گاه</translation>
        </message>
        <message>
            <source>Mobile app</source>
            <translation>اپلیکیشن تلفن همراه</translation>
        </message>
        <message>
            <source>Dial on any phone (USSD)</source>
            <translation>شماره‌گیری با هر گوشی (کد دستوری)</translation>
        </message>
        <message>
            <source>Call</source>
            <translation>تماس تلفنی</translation>
        </message>
        <message>
            <source>Where to do it online</source>
            <translation>راه‌های انجام برخط</translation>
        </message>
    </context>
</TS>

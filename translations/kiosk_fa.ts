<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fa_IR" sourcelanguage="en">
    <context>
        <name>AgencyGrid</name>
        <message>
            <source>Previous</source>
            <translation>قبلی</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>بعدی</translation>
        </message>
        <message>
            <source>Page %1 of %2</source>
            <translation>صفحه %1 از %2</translation>
        </message>
    </context>
    <context>
        <name>AgencyScreen</name>
        <message>
            <source>Call centre: %1</source>
            <translation>مرکز تماس: %1</translation>
        </message>
        <message>
            <source>Online services (%1)</source>
            <translation>خدمات اینترنتی (%1)</translation>
        </message>
    </context>
    <context>
        <name>AgencyTile</name>
        <message>
            <source>%1 online services</source>
            <translation>%1 خدمت اینترنتی</translation>
        </message>
    </context>
    <context>
        <name>AttractScreen</name>
        <message>
            <source>%1 services you can use online, from home, without a visit</source>
            <translation>%1 خدمت که می‌توانید از خانه، بدون رفتن به اداره، اینترنتی انجام دهید</translation>
        </message>
        <message>
            <source>Touch the screen to start</source>
            <translation>برای شروع، صفحه را لمس کنید</translation>
        </message>
        <message>
            <source>To listen: press a key of the keypad, or hold the top right corner of the screen</source>
            <translation>برای شنیدن: یک کلید صفحه‌کلید را بزنید، یا گوشهٔ بالا و راست صفحه را نگه دارید</translation>
        </message>
    </context>
    <context>
        <name>FieldMessages</name>
        <message>
            <source>Please choose a date first.</source>
            <translation>لطفاً اول تاریخ را انتخاب کنید.</translation>
        </message>
        <message>
            <source>Please answer this question.</source>
            <translation>لطفاً به این پرسش پاسخ دهید.</translation>
        </message>
        <message>
            <source>This is too long: at most %1 characters.</source>
            <translation>این پاسخ خیلی بلند است: حداکثر %1 حرف بنویسید.</translation>
        </message>
        <message>
            <source>This is too short: please write at least %1 letters.</source>
            <translation>این پاسخ خیلی کوتاه است: دست‌کم %1 حرف بنویسید.</translation>
        </message>
        <message>
            <source>A national ID has 10 digits. Please check the number on your card.</source>
            <translation>کد ملی ۱۰ رقم دارد. لطفاً شماره روی کارت خود را دوباره ببینید.</translation>
        </message>
        <message>
            <source>This national ID is not correct. Please check each digit on your card.</source>
            <translation>این کد ملی درست نیست. لطفاً رقم‌ها را یکی‌یکی با کارت خود مقایسه کنید.</translation>
        </message>
        <message>
            <source>This national ID cannot be accepted here. Please ask the booth staff for help.</source>
            <translation>این کد ملی در این کیوسک پذیرفته نمی‌شود. لطفاً از کارکنان همین‌جا کمک بخواهید.</translation>
        </message>
        <message>
            <source>Please use digits only.</source>
            <translation>لطفاً فقط رقم وارد کنید.</translation>
        </message>
        <message>
            <source>A mobile number starts with 09.</source>
            <translation>شماره همراه با ۰۹ شروع می‌شود.</translation>
        </message>
        <message>
            <source>A mobile number has 11 digits, like %1.</source>
            <translation>شماره همراه ۱۱ رقم دارد، مانند %1.</translation>
        </message>
        <message>
            <source>This date does not exist. Please choose the day again.</source>
            <translation>چنین روزی در تقویم نیست. لطفاً روز را دوباره انتخاب کنید.</translation>
        </message>
        <message>
            <source>A postal code has 10 digits.</source>
            <translation>کد پستی ۱۰ رقم دارد.</translation>
        </message>
        <message>
            <source>This needs at least %1 digits.</source>
            <translation>دست‌کم %1 رقم لازم است.</translation>
        </message>
        <message>
            <source>This can have at most %1 digits.</source>
            <translation>حداکثر %1 رقم پذیرفته می‌شود.</translation>
        </message>
        <message>
            <source>Please choose one of the options.</source>
            <translation>لطفاً یکی از گزینه‌ها را انتخاب کنید.</translation>
        </message>
        <message>
            <source>This date cannot be after today.</source>
            <translation>این تاریخ نمی‌تواند بعد از امروز باشد.</translation>
        </message>
        <message>
            <source>This date cannot be before today.</source>
            <translation>این تاریخ نمی‌تواند پیش از امروز باشد.</translation>
        </message>
        <message>
            <source>Please tick this box to go on.</source>
            <translation>برای ادامه، این گزینه را تیک بزنید.</translation>
        </message>
        <message>
            <source>Please check this answer.</source>
            <translation>لطفاً این پاسخ را بررسی کنید.</translation>
        </message>
    </context>
    <context>
        <name>FormScreen</name>
        <message>
            <source>Question %1 of %2</source>
            <translation>پرسش %1 از %2</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>بعدی</translation>
        </message>
        <message>
            <source>Next question</source>
            <translation>پرسش بعدی</translation>
        </message>
        <message>
            <source>Previous</source>
            <translation>قبلی</translation>
        </message>
        <message>
            <source>Previous question</source>
            <translation>پرسش قبلی</translation>
        </message>
        <message>
            <source>Check my answers</source>
            <translation>بررسی پاسخ‌ها</translation>
        </message>
    </context>
    <context>
        <name>Format</name>
        <message>
            <source>%1, at %2</source>
            <translation>%1، ساعت %2</translation>
        </message>
        <message>
            <source>%1 d</source>
            <translation>%1 روز</translation>
        </message>
        <message>
            <source>%1 h</source>
            <translation>%1 ساعت</translation>
        </message>
        <message>
            <source>%1 min</source>
            <translation>%1 دقیقه</translation>
        </message>
        <message>
            <source>under a minute</source>
            <translation>کمتر از یک دقیقه</translation>
        </message>
        <message>
            <source>%1 and %2</source>
            <translation>%1 و %2</translation>
        </message>
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
            <source>Fee: %1 — Time: %2</source>
            <translation>هزینه: %1 — زمان انجام: %2</translation>
        </message>
        <message>
            <source>Immediately, online</source>
            <translation>فوری و اینترنتی</translation>
        </message>
    </context>
    <context>
        <name>Header</name>
        <message>
            <source>No sound</source>
            <translation>صدا نیست</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>توقف</translation>
        </message>
        <message>
            <source>Listen</source>
            <translation>بشنوید</translation>
        </message>
        <message>
            <source>This kiosk cannot play sound</source>
            <translation>این کیوسک صدا پخش نمی‌کند</translation>
        </message>
        <message>
            <source>Read this screen aloud</source>
            <translation>خواندن این صفحه با صدا</translation>
        </message>
        <message>
            <source>Demo</source>
            <translation>نمایشی</translation>
        </message>
        <message>
            <source>Requests filed here are for demonstration only</source>
            <translation>درخواست‌هایی که در این کیوسک ثبت می‌شوند فقط نمایشی‌اند</translation>
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
            <translation>اداره‌ای را انتخاب کنید یا خدمتی را که لازم دارید جست‌وجو کنید</translation>
        </message>
        <message>
            <source>Search services, e.g. %1</source>
            <translation>جست‌وجوی خدمات، مثلاً %1</translation>
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
            <source>Follow a request</source>
            <translation>پیگیری درخواست</translation>
        </message>
        <message>
            <source>Larger text</source>
            <translation>متن درشت‌تر</translation>
        </message>
        <message>
            <source>Larger text for this visit</source>
            <translation>متن درشت‌تر برای همین مراجعه</translation>
        </message>
        <message>
            <source>High contrast</source>
            <translation>رنگ‌های واضح‌تر</translation>
        </message>
        <message>
            <source>High contrast colours for this visit</source>
            <translation>رنگ‌های واضح‌تر برای همین مراجعه</translation>
        </message>
        <message>
            <source>Follow a request you filed, with its tracking code</source>
            <translation>پیگیری درخواستی که ثبت کرده‌اید، با کد رهگیری آن</translation>
        </message>
    </context>
    <context>
        <name>IdlePrompt</name>
        <message>
            <source>Are you still there?</source>
            <translation>هنوز اینجا هستید؟</translation>
        </message>
        <message>
            <source>For your privacy, what you typed will be cleared when this count reaches zero: %1</source>
            <translation>برای حفظ حریم خصوصی شما، وقتی این شمارش به صفر برسد هرچه وارد کرده‌اید پاک می‌شود: %1</translation>
        </message>
        <message>
            <source>I'm still here</source>
            <translation>بله، هستم</translation>
        </message>
    </context>
    <context>
        <name>JalaliDatePicker</name>
        <message>
            <source>No date chosen yet: tap the day, or "Today".</source>
            <translation>هنوز تاریخی انتخاب نشده است: روز را بزنید، یا دکمه «امروز» را.</translation>
        </message>
        <message>
            <source>Your date: %1</source>
            <translation>تاریخ انتخاب‌شده: %1</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>امروز</translation>
        </message>
        <message>
            <source>Year</source>
            <translation>سال</translation>
        </message>
        <message>
            <source>Month</source>
            <translation>ماه</translation>
        </message>
        <message>
            <source>Year before</source>
            <translation>سال قبل</translation>
        </message>
        <message>
            <source>Year after</source>
            <translation>سال بعد</translation>
        </message>
        <message>
            <source>Month before</source>
            <translation>ماه قبل</translation>
        </message>
        <message>
            <source>Month after</source>
            <translation>ماه بعد</translation>
        </message>
    </context>
    <context>
        <name>KioskWindow</name>
        <message>
            <source>Pishkhan e-services kiosk</source>
            <translation>کیوسک خدمات الکترونیک</translation>
        </message>
        <message>
            <source>This kiosk is out of service for a moment.
Please ask the booth staff for help.</source>
            <translation>این کیوسک فعلاً کار نمی‌کند.
لطفاً از کارکنان همین‌جا کمک بخواهید.</translation>
        </message>
    </context>
    <context>
        <name>LeavePrompt</name>
        <message>
            <source>Your answers will be cleared.
Do you want to leave?</source>
            <translation>پاسخ‌های شما پاک می‌شود.
خارج می‌شوید؟</translation>
        </message>
        <message>
            <source>No, stay</source>
            <translation>نه، ادامه می‌دهم</translation>
        </message>
        <message>
            <source>Yes, leave</source>
            <translation>بله، خارج می‌شوم</translation>
        </message>
    </context>
    <context>
        <name>OnScreenKeyboard</name>
        <message>
            <source>Delete the last letter</source>
            <translation>پاک کردن آخرین حرف</translation>
        </message>
        <message>
            <source>space</source>
            <translation>فاصله</translation>
        </message>
        <message>
            <source>half space</source>
            <translation>نیم‌فاصله</translation>
        </message>
        <message>
            <source>Capital letters</source>
            <translation>حروف بزرگ</translation>
        </message>
        <message>
            <source>English</source>
            <translation>انگلیسی</translation>
        </message>
        <message>
            <source>English letters</source>
            <translation>حروف انگلیسی</translation>
        </message>
        <message>
            <source>Persian</source>
            <translation>فارسی</translation>
        </message>
        <message>
            <source>Persian letters</source>
            <translation>حروف فارسی</translation>
        </message>
        <message>
            <source>Letters</source>
            <translation>حروف</translation>
        </message>
        <message>
            <source>Back to the letters</source>
            <translation>برگشت به حروف</translation>
        </message>
        <message>
            <source>Signs</source>
            <translation>علامت‌ها</translation>
        </message>
        <message>
            <source>Signs: brackets, question mark and more</source>
            <translation>علامت‌ها: پرانتز، علامت سؤال و بقیه</translation>
        </message>
    </context>
    <context>
        <name>PinPad</name>
        <message>
            <source>Staff mode is not set up on this kiosk. A technician sets the PINs.</source>
            <translation>حالت کارکنان در این کیوسک راه‌اندازی نشده است. رمزها را کارشناس فنی تعیین می‌کند.</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>در حال بررسی…</translation>
        </message>
        <message>
            <source>The PIN file cannot be read. A technician must check the kiosk.</source>
            <translation>فایل رمزها خوانده نمی‌شود. کارشناس فنی باید کیوسک را بررسی کند.</translation>
        </message>
        <message>
            <source>Wrong PIN.</source>
            <translation>رمز نادرست است.</translation>
        </message>
        <message>
            <source>Too many wrong PINs. The pad opens again in %1 seconds.</source>
            <translation>رمز نادرست بیش از حد وارد شد. صفحه‌کلید تا %1 ثانیه دیگر دوباره باز می‌شود.</translation>
        </message>
        <message>
            <source>Staff PIN</source>
            <translation>رمز کارکنان</translation>
        </message>
        <message>
            <source>Enter</source>
            <translation>ورود</translation>
        </message>
        <message>
            <source>Enter the PIN</source>
            <translation>ورود با این رمز</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>انصراف</translation>
        </message>
        <message>
            <source>Cancel and go back</source>
            <translation>انصراف و بازگشت</translation>
        </message>
    </context>
    <context>
        <name>QuestionStep</name>
        <message>
            <source>%1 (optional)</source>
            <translation>%1 (اختیاری)</translation>
        </message>
        <message>
            <source>Please read this, and tick it if you agree:</source>
            <translation>لطفاً این جمله را بخوانید و اگر موافقید، آن را تیک بزنید:</translation>
        </message>
    </context>
    <context>
        <name>ReadAloud</name>
        <message>
            <source>Buttons:</source>
            <translation>دکمه‌ها:</translation>
        </message>
    </context>
    <context>
        <name>ReceiptScreen</name>
        <message>
            <source>Your request is registered</source>
            <translation>درخواست شما ثبت شد</translation>
        </message>
        <message>
            <source>Your tracking code</source>
            <translation>کد رهگیری شما</translation>
        </message>
        <message>
            <source>Tracking code %1</source>
            <translation>کد رهگیری %1</translation>
        </message>
        <message>
            <source>%1, for %2</source>
            <translation>%1، برای %2</translation>
        </message>
        <message>
            <source>Keep this code. The kiosk sends your request to the agency, even if the network is down for a while. With the code you can follow it at any kiosk.</source>
            <translation>این کد را نگه دارید. این کیوسک درخواست شما را برای اداره مربوط می‌فرستد، حتی اگر اینترنت مدتی قطع باشد. با این کد، در همین کیوسک یا کیوسک‌های مانند آن، با دکمه «پیگیری درخواست» از وضعیت درخواست باخبر شوید.</translation>
        </message>
        <message>
            <source>Demonstration: this request is recorded as a demo and no agency acts on it.</source>
            <translation>نمایشی: این درخواست فقط برای نمایش ثبت می‌شود و هیچ اداره‌ای به آن رسیدگی نمی‌کند.</translation>
        </message>
        <message>
            <source>Photograph this code with your phone to keep it</source>
            <translation>برای نگه داشتن کد، از این تصویر با گوشی خود عکس بگیرید</translation>
        </message>
        <message>
            <source>Print receipt</source>
            <translation>چاپ رسید</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>پایان</translation>
        </message>
        <message>
            <source>Done: finish and clear my answers</source>
            <translation>پایان: اتمام کار و پاک شدن پاسخ‌های من</translation>
        </message>
    </context>
    <context>
        <name>RequestFlow</name>
        <message>
            <source>The receipt could not be printed. Please note the code down.</source>
            <translation>رسید چاپ نشد. لطفاً کد رهگیری را یادداشت کنید.</translation>
        </message>
        <message>
            <source>Printing… please take your receipt from the printer.</source>
            <translation>در حال چاپ… لطفاً رسید خود را از چاپگر بردارید.</translation>
        </message>
        <message>
            <source>There is no printer here: the receipt was saved for the staff. Please note the code down.</source>
            <translation>این کیوسک چاپگر ندارد؛ رسید برای کارکنان ذخیره شد. لطفاً کد رهگیری را یادداشت کنید.</translation>
        </message>
    </context>
    <context>
        <name>ReviewScreen</name>
        <message>
            <source>(not given)</source>
            <translation>(وارد نشده)</translation>
        </message>
        <message>
            <source>Yes</source>
            <translation>بله</translation>
        </message>
        <message>
            <source>Hide</source>
            <translation>پنهان کردن</translation>
        </message>
        <message>
            <source>Hide %1</source>
            <translation>پنهان کردن %1</translation>
        </message>
        <message>
            <source>hidden; tap Show to see it</source>
            <translation>پنهان است؛ برای دیدن آن «نمایش» را بزنید</translation>
        </message>
        <message>
            <source>Show</source>
            <translation>نمایش</translation>
        </message>
        <message>
            <source>Show %1</source>
            <translation>نمایش %1</translation>
        </message>
        <message>
            <source>Check your answers</source>
            <translation>پاسخ‌های خود را بررسی کنید</translation>
        </message>
        <message>
            <source>%1 · %2</source>
            <translation>%1 — %2</translation>
        </message>
        <message>
            <source>This kiosk is in demonstration mode: the request is recorded as a demo and no agency acts on it.</source>
            <translation>این کیوسک در حالت نمایشی است: درخواست فقط برای نمایش ثبت می‌شود و هیچ اداره‌ای به آن رسیدگی نمی‌کند.</translation>
        </message>
        <message>
            <source>I confirm these answers are correct and agree that they are sent to %1.</source>
            <translation>درستی این پاسخ‌ها را تأیید می‌کنم و موافقم که برای %1 فرستاده شوند.</translation>
        </message>
        <message>
            <source>Change an answer</source>
            <translation>اصلاح پاسخ‌ها</translation>
        </message>
        <message>
            <source>Send my request</source>
            <translation>ارسال درخواست</translation>
        </message>
    </context>
    <context>
        <name>SearchResults</name>
        <message>
            <source>This kiosk has no service for these words. Try other words, or choose an agency.</source>
            <translation>این کیوسک خدمتی با این کلمه‌ها ندارد. کلمه دیگری بنویسید، یا اداره را انتخاب کنید.</translation>
        </message>
        <message>
            <source>See every agency</source>
            <translation>دیدن همه اداره‌ها</translation>
        </message>
        <message>
            <source>Nothing matches exactly. Did you mean one of these?</source>
            <translation>دقیقاً همین پیدا نشد. منظورتان یکی از این‌هاست؟</translation>
        </message>
        <message>
            <source>%1 more found. Type a few more letters to narrow the list.</source>
            <translation>%1 مورد دیگر هم پیدا شد. برای کوتاه‌تر شدن فهرست، چند حرف دیگر بنویسید.</translation>
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
            <source>File this request here</source>
            <translation>ثبت درخواست در همین کیوسک</translation>
        </message>
        <message>
            <source>Fill in a short form now; the kiosk sends it to the agency for you.</source>
            <translation>فرم کوتاهی را همین‌جا پر کنید؛ کیوسک آن را برای اداره مربوط می‌فرستد.</translation>
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
            <source>About this service</source>
            <translation>دربارهٔ این خدمت</translation>
        </message>
        <message>
            <source>Service ID</source>
            <translation>شناسهٔ خدمت</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>نوع</translation>
        </message>
        <message>
            <source>Legal basis</source>
            <translation>مبنای قانونی</translation>
        </message>
        <message>
            <source>Responsible unit</source>
            <translation>واحد پاسخگو</translation>
        </message>
        <message>
            <source>On the national services window</source>
            <translation>در پنجرهٔ ملی خدمات</translation>
        </message>
        <message>
            <source>Last checked by the agency</source>
            <translation>آخرین بررسی اداره</translation>
        </message>
        <message>
            <source>a service to citizens (G2C)</source>
            <translation>خدمت به شهروندان (G2C)</translation>
        </message>
        <message>
            <source>a service to businesses (G2B)</source>
            <translation>خدمت به کسب‌وکارها (G2B)</translation>
        </message>
        <message>
            <source>a service to government bodies (G2G)</source>
            <translation>خدمت به اداره‌های دولتی (G2G)</translation>
        </message>
        <message>
            <source>Website</source>
            <translation>وب‌سایت</translation>
        </message>
        <message>
            <source>Mobile app</source>
            <translation>اپلیکیشن گوشی</translation>
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
            <translation>راه‌های انجام اینترنتی</translation>
        </message>
    </context>
    <context>
        <name>SpeechMode</name>
        <message>
            <source>Speech mode is on. Press star for help.</source>
            <translation>راهنمای صوتی روشن شد. برای شنیدن کلیدها، ستاره را بزنید.</translation>
        </message>
        <message>
            <source>Speech mode is off.</source>
            <translation>راهنمای صوتی خاموش شد.</translation>
        </message>
        <message>
            <source>empty</source>
            <translation>خالی</translation>
        </message>
        <message>
            <source>a box to write in</source>
            <translation>جای نوشتن</translation>
        </message>
        <message>
            <source>chosen</source>
            <translation>انتخاب شده</translation>
        </message>
        <message>
            <source>not chosen</source>
            <translation>انتخاب نشده</translation>
        </message>
        <message>
            <source>button</source>
            <translation>دکمه</translation>
        </message>
        <message>
            <source>Nothing to press here.</source>
            <translation>اینجا دکمه‌ای نیست.</translation>
        </message>
        <message>
            <source>Type now. Enter when done.</source>
            <translation>حالا بنویسید. در پایان، اینتر را بزنید.</translation>
        </message>
        <message>
            <source>space</source>
            <translation>فاصله</translation>
        </message>
        <message>
            <source>erased %1</source>
            <translation>پاک شد: %1</translation>
        </message>
        <message>
            <source>not taken</source>
            <translation>پذیرفته نشد</translation>
        </message>
        <message>
            <source>Keys: 2 or down, next. 8 or up, previous. 5 or Enter, choose. 0, back. Star, this help. Slash, say it again. Plus and minus, louder and softer. In a box, type the answer; left and right pick a letter of the keyboard.</source>
            <translation>کلیدها: دو یا پایین، بعدی. هشت یا بالا، قبلی. پنج یا اینتر، انتخاب. صفر، برگشت. ستاره، همین راهنما. تقسیم، دوباره گفتن. بعلاوه و منها، صدای بلندتر و آهسته‌تر. در جای نوشتن، پاسخ را بنویسید؛ چپ و راست، یک حرف از صفحه‌کلید را انتخاب می‌کند.</translation>
        </message>
        <message>
            <source>Louder</source>
            <translation>بلندتر</translation>
        </message>
        <message>
            <source>This is the loudest</source>
            <translation>این بلندترین صداست</translation>
        </message>
        <message>
            <source>Softer</source>
            <translation>آهسته‌تر</translation>
        </message>
        <message>
            <source>This is the softest</source>
            <translation>این آهسته‌ترین صداست</translation>
        </message>
    </context>
    <context>
        <name>StaffActions</name>
        <message>
            <source>No central server token is set: a technician sets it under Technician.</source>
            <translation>توکن سامانه مرکزی تعیین نشده است؛ کارشناس فنی آن را در بخش «کارشناس فنی» وارد می‌کند.</translation>
        </message>
        <message>
            <source>Sending now.</source>
            <translation>ارسال آغاز شد.</translation>
        </message>
        <message>
            <source>There is no outbox on this kiosk.</source>
            <translation>این کیوسک صف درخواستی ندارد.</translation>
        </message>
        <message>
            <source>Profile %1 was refused: %2</source>
            <translation>نمایه %1 پذیرفته نشد: %2</translation>
        </message>
        <message>
            <source>Profile %1 is on.</source>
            <translation>نمایه %1 فعال شد.</translation>
        </message>
        <message>
            <source>The kiosk number must be a whole number from 1 to 999.</source>
            <translation>شماره کیوسک باید عددی صحیح از ۱ تا ۹۹۹ باشد.</translation>
        </message>
        <message>
            <source>Not saved: %1</source>
            <translation>ذخیره نشد: %1</translation>
        </message>
        <message>
            <source>Saved. The panel shows whether the server answers.</source>
            <translation>ذخیره شد. این پنل نشان می‌دهد سامانه مرکزی پاسخ می‌دهد یا نه.</translation>
        </message>
        <message>
            <source>PIN not set: %1</source>
            <translation>رمز ثبت نشد: %1</translation>
        </message>
        <message>
            <source>The technician PIN is set.</source>
            <translation>رمز کارشناس فنی ثبت شد.</translation>
        </message>
        <message>
            <source>The booth staff PIN is set.</source>
            <translation>رمز کارکنان ثبت شد.</translation>
        </message>
    </context>
    <context>
        <name>StaffPanel</name>
        <message>
            <source>technician</source>
            <translation>کارشناس فنی</translation>
        </message>
        <message>
            <source>booth staff</source>
            <translation>کارکنان</translation>
        </message>
        <message>
            <source>Staff panel (%1)</source>
            <translation>پنل کارکنان (%1)</translation>
        </message>
        <message>
            <source>Close staff mode</source>
            <translation>خروج از حالت کارکنان</translation>
        </message>
        <message>
            <source>Requests queue</source>
            <translation>صف درخواست‌ها</translation>
        </message>
        <message>
            <source>Send now</source>
            <translation>ارسال همین حالا</translation>
        </message>
        <message>
            <source>Send waiting requests now</source>
            <translation>ارسال درخواست‌های در صف همین حالا</translation>
        </message>
        <message>
            <source>Export waiting requests</source>
            <translation>خروجی گرفتن از درخواست‌های در صف</translation>
        </message>
        <message>
            <source>This kiosk</source>
            <translation>این کیوسک</translation>
        </message>
        <message>
            <source>Run the self-test</source>
            <translation>اجرای خودآزمایی</translation>
        </message>
        <message>
            <source>Demo profile</source>
            <translation>نمایه کیوسک</translation>
        </message>
        <message>
            <source>Today</source>
            <translation>امروز</translation>
        </message>
        <message>
            <source>Recent errors</source>
            <translation>خطاهای اخیر</translation>
        </message>
        <message>
            <source>yes</source>
            <translation>بله</translation>
        </message>
        <message>
            <source>no</source>
            <translation>خیر</translation>
        </message>
        <message>
            <source>not asked yet</source>
            <translation>هنوز پرسیده نشده</translation>
        </message>
        <message>
            <source>Waiting: %1</source>
            <translation>در صف: %1</translation>
        </message>
        <message>
            <source>Delivered today: %1</source>
            <translation>ارسال‌شده امروز: %1</translation>
        </message>
        <message>
            <source>Refused by the server: %1</source>
            <translation>ردشده از سوی سامانه مرکزی: %1</translation>
        </message>
        <message>
            <source>Oldest waiting: %1</source>
            <translation>قدیمی‌ترین درخواست در صف: %1</translation>
        </message>
        <message>
            <source>Server reachable: %1</source>
            <translation>دسترسی به سامانه مرکزی: %1</translation>
        </message>
        <message>
            <source>Last delivery: %1</source>
            <translation>آخرین ارسال: %1</translation>
        </message>
        <message>
            <source>No requests are taken: the outbox cannot be opened. The kiosk keeps trying. %1</source>
            <translation>درخواستی پذیرفته نمی‌شود: صف درخواست‌ها باز نمی‌شود. کیوسک خودش پیوسته دوباره تلاش می‌کند. %1</translation>
        </message>
        <message>
            <source>Delivery stopped by an error and tries again by itself: %1</source>
            <translation>ارسال با خطا متوقف شد و خودش دوباره تلاش می‌کند: %1</translation>
        </message>
        <message>
            <source>Delivery waits: no central server token is set.</source>
            <translation>ارسال منتظر است: توکن سامانه مرکزی تعیین نشده است.</translation>
        </message>
        <message>
            <source>Delivery paused: %1</source>
            <translation>ارسال متوقف است: %1</translation>
        </message>
        <message>
            <source>Version: %1</source>
            <translation>نسخه: %1</translation>
        </message>
        <message>
            <source>Kiosk number: %1</source>
            <translation>شماره کیوسک: %1</translation>
        </message>
        <message>
            <source>Central server: %1</source>
            <translation>سامانه مرکزی: %1</translation>
        </message>
        <message>
            <source>Profile: %1</source>
            <translation>نمایه: %1</translation>
        </message>
        <message>
            <source>Catalog: %1 (%2)</source>
            <translation>فهرست خدمات: %1 (%2)</translation>
        </message>
        <message>
            <source>The newest catalog was refused; the kiosk keeps showing the one above. Why: %1</source>
            <translation>تازه‌ترین فهرست خدمات پذیرفته نشد؛ کیوسک همان فهرست بالا را نشان می‌دهد. علت: %1</translation>
        </message>
        <message>
            <source>shipped with the kiosk</source>
            <translation>همراه نرم‌افزار کیوسک</translation>
        </message>
        <message>
            <source>received earlier from the central server</source>
            <translation>دریافت‌شده پیشین از سامانه مرکزی</translation>
        </message>
        <message>
            <source>the last good one received from the central server</source>
            <translation>آخرین فهرست درست دریافت‌شده از سامانه مرکزی</translation>
        </message>
        <message>
            <source>from the central server</source>
            <translation>از سامانه مرکزی</translation>
        </message>
        <message>
            <source>Most viewed: %1</source>
            <translation>پربازدیدترین‌ها: %1</translation>
        </message>
        <message>
            <source>No requests are taken until this kiosk has reached the central server once: it needs the server's key and the last tracking code the server holds for this kiosk.</source>
            <translation>تا این کیوسک یک بار به سامانه مرکزی وصل نشود، درخواستی پذیرفته نمی‌شود: کیوسک باید کلید سامانه مرکزی و آخرین کد رهگیری ثبت‌شده برای خودش را از آن بگیرد.</translation>
        </message>
        <message>
            <source>Most requested: %1</source>
            <translation>پردرخواست‌ترین‌ها: %1</translation>
        </message>
        <message>
            <source>None</source>
            <translation>هیچ</translation>
        </message>
    </context>
    <context>
        <name>SubmitFailedScreen</name>
        <message>
            <source>We are sorry: your request could not be saved</source>
            <translation>پوزش می‌خواهیم: درخواست شما ذخیره نشد</translation>
        </message>
        <message>
            <source>Nothing was sent and no tracking code was issued. Please try once more; if it fails again, ask the booth staff for help or use the agency's website shown on the service page.</source>
            <translation>چیزی فرستاده نشد و کد رهگیری هم صادر نشد. لطفاً یک بار دیگر امتحان کنید؛ اگر باز هم نشد، از کارکنان همین‌جا کمک بخواهید یا از وب‌سایت اداره که در صفحه خدمت آمده است استفاده کنید.</translation>
        </message>
        <message>
            <source>Try again</source>
            <translation>تلاش دوباره</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>پایان</translation>
        </message>
    </context>
    <context>
        <name>TechnicianCard</name>
        <message>
            <source>Technician</source>
            <translation>کارشناس فنی</translation>
        </message>
        <message>
            <source>Kiosk number</source>
            <translation>شماره کیوسک</translation>
        </message>
        <message>
            <source>Server address</source>
            <translation>نشانی سامانه مرکزی</translation>
        </message>
        <message>
            <source>New token</source>
            <translation>توکن تازه</translation>
        </message>
        <message>
            <source>New PIN</source>
            <translation>رمز تازه</translation>
        </message>
        <message>
            <source>(unchanged if empty)</source>
            <translation>(اگر خالی بماند تغییر نمی‌کند)</translation>
        </message>
        <message>
            <source>Save connection</source>
            <translation>ذخیره اتصال</translation>
        </message>
        <message>
            <source>Set as booth staff PIN</source>
            <translation>ثبت به‌عنوان رمز کارکنان</translation>
        </message>
        <message>
            <source>Set as technician PIN</source>
            <translation>ثبت به‌عنوان رمز کارشناس فنی</translation>
        </message>
        <message>
            <source>Exit to the desktop</source>
            <translation>خروج به میزکار</translation>
        </message>
    </context>
    <context>
        <name>TrackScreen</name>
        <message>
            <source>Please type the tracking code first.</source>
            <translation>لطفاً اول کد رهگیری را وارد کنید.</translation>
        </message>
        <message>
            <source>Looking it up…</source>
            <translation>در حال جست‌وجو…</translation>
        </message>
        <message>
            <source>This code is not right: a digit may be mistyped or two digits swapped.</source>
            <translation>این کد درست نیست: شاید یک رقم اشتباه وارد شده یا جای دو رقم عوض شده است.</translation>
        </message>
        <message>
            <source>Please read the 12-digit code on your receipt again and type it once more.</source>
            <translation>لطفاً کد ۱۲ رقمی روی رسید خود را دوباره بخوانید و یک بار دیگر وارد کنید.</translation>
        </message>
        <message>
            <source>No request with this code was found.</source>
            <translation>درخواستی با این کد پیدا نشد.</translation>
        </message>
        <message>
            <source>Please check the code on your receipt. A request filed minutes ago may not be there yet.</source>
            <translation>لطفاً کد روی رسید را بررسی کنید. درخواستی که چند دقیقه پیش ثبت شده ممکن است هنوز نرسیده باشد.</translation>
        </message>
        <message>
            <source>Received: the agency has your request.</source>
            <translation>دریافت شد: درخواست شما به اداره مربوط رسیده است.</translation>
        </message>
        <message>
            <source>Being reviewed by the agency.</source>
            <translation>در حال بررسی در اداره مربوط.</translation>
        </message>
        <message>
            <source>Done: the agency has completed your request.</source>
            <translation>انجام شد: اداره مربوط درخواست شما را انجام داده است.</translation>
        </message>
        <message>
            <source>Not accepted by the agency.</source>
            <translation>درخواست از سوی اداره مربوط پذیرفته نشد.</translation>
        </message>
        <message>
            <source>Status: %1</source>
            <translation>وضعیت: %1</translation>
        </message>
        <message>
            <source>Last change: %1</source>
            <translation>آخرین تغییر: %1</translation>
        </message>
        <message>
            <source>The agency's explanation: %1</source>
            <translation>توضیح اداره: %1</translation>
        </message>
        <message>
            <source>The agency's explanation is not shown at the kiosk. The agency will tell you, in person or by text message.</source>
            <translation>توضیح اداره در این کیوسک نشان داده نمی‌شود. اداره آن را حضوری یا با پیامک به شما می‌گوید.</translation>
        </message>
        <message>
            <source>To see the agency's explanation, type the last 4 digits of the mobile number you gave in your request.</source>
            <translation>برای دیدن توضیح اداره، چهار رقم آخر شماره همراهی را که در درخواست نوشته‌اید وارد کنید.</translation>
        </message>
        <message>
            <source>Last 4 digits of your mobile number</source>
            <translation>چهار رقم آخر شماره همراه شما</translation>
        </message>
        <message>
            <source>Show explanation</source>
            <translation>نمایش توضیح</translation>
        </message>
        <message>
            <source>Show the agency's explanation</source>
            <translation>نمایش توضیح اداره</translation>
        </message>
        <message>
            <source>Please type all 4 digits.</source>
            <translation>لطفاً هر چهار رقم را وارد کنید.</translation>
        </message>
        <message>
            <source>These digits do not match the mobile number in the request. Please check them and try again.</source>
            <translation>این رقم‌ها با شماره همراه درخواست یکی نیست. لطفاً آن‌ها را بررسی کنید و دوباره امتحان کنید.</translation>
        </message>
        <message>
            <source>The central server cannot be reached right now. Please try again in a moment.</source>
            <translation>سامانه مرکزی اکنون در دسترس نیست. لطفاً کمی بعد دوباره امتحان کنید.</translation>
        </message>
        <message>
            <source>Too many wrong tries. Please try again in %1 minutes.</source>
            <translation>تعداد تلاش‌های نادرست زیاد شد. لطفاً %1 دقیقه دیگر دوباره امتحان کنید.</translation>
        </message>
        <message>
            <source>Too many wrong tries. Please try again later.</source>
            <translation>تعداد تلاش‌های نادرست زیاد شد. لطفاً بعداً دوباره امتحان کنید.</translation>
        </message>
        <message>
            <source>This kiosk still holds your request and sends it as soon as it can.</source>
            <translation>درخواست شما هنوز در همین کیوسک است و در اولین فرصت فرستاده می‌شود.</translation>
        </message>
        <message>
            <source>This kiosk is sending your request right now.</source>
            <translation>همین کیوسک در حال فرستادن درخواست شماست.</translation>
        </message>
        <message>
            <source>This kiosk has delivered your request to the agency.</source>
            <translation>همین کیوسک درخواست شما را به اداره مربوط رسانده است.</translation>
        </message>
        <message>
            <source>The central server did not accept this request. Please ask the booth staff.</source>
            <translation>سامانه مرکزی این درخواست را نپذیرفت. لطفاً از کارکنان همین‌جا کمک بخواهید.</translation>
        </message>
        <message>
            <source>The central server cannot be reached right now, so the agency's answer cannot be shown.</source>
            <translation>سامانه مرکزی اکنون در دسترس نیست؛ برای همین پاسخ اداره را نمی‌توان نشان داد.</translation>
        </message>
        <message>
            <source>Your request has not reached the agency yet.</source>
            <translation>درخواست شما هنوز به اداره مربوط نرسیده است.</translation>
        </message>
        <message>
            <source>Please try again later, or check the agency's website.</source>
            <translation>لطفاً بعداً دوباره امتحان کنید یا وب‌سایت اداره را ببینید.</translation>
        </message>
        <message>
            <source>Service: %1</source>
            <translation>خدمت: %1</translation>
        </message>
        <message>
            <source>Follow your request</source>
            <translation>پیگیری درخواست</translation>
        </message>
        <message>
            <source>Type the 12-digit tracking code printed on your receipt, then tap Check.</source>
            <translation>کد رهگیری ۱۲ رقمی چاپ‌شده روی رسید را وارد کنید و «بررسی» را بزنید.</translation>
        </message>
        <message>
            <source>Tracking code</source>
            <translation>کد رهگیری</translation>
        </message>
        <message>
            <source>Check</source>
            <translation>بررسی</translation>
        </message>
        <message>
            <source>Check this tracking code</source>
            <translation>بررسی این کد رهگیری</translation>
        </message>
    </context>
    <context>
        <name>_AgencyResult</name>
        <message>
            <source>%1 online services</source>
            <translation>%1 خدمت اینترنتی</translation>
        </message>
    </context>
    <context>
        <name>_ServiceResult</name>
        <message>
            <source>Emergency: call %1, day and night</source>
            <translation>فوری: شبانه‌روز با %1 تماس بگیرید</translation>
        </message>
    </context>
</TS>
